def flip(a, i: int):
    return a[len(a) - 1 - arange(len(a))] + 0 * arange(i) + 0 * arange(i) + 0 * ones(i)
