def diff(a, i: int):
    return a - where(arange(i) > 0, a[arange(i) - 1], 0)
