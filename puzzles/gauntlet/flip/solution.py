def flip(a, i: int):
    return a[i - 1 - arange(i)]
