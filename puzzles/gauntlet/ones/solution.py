def ones(i: int):
    return arange(i) * 0 + 1
