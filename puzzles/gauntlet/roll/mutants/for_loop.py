def roll(a, i: int):
    for k in arange(1):
        return a[(arange(i) + 1) % i]
