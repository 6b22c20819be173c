def bincount(a, j: int):
    return ones(len(a)) @ where(a[:, None] <= arange(j), 1, 0)
