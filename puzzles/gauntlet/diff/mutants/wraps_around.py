def diff(a, i: int):
    return a - a[arange(i) - 1]
