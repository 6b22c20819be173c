def roll(a, i: int):
    return a[(arange(i) + 1) % i]
