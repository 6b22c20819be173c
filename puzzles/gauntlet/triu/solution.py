def triu(j: int):
    return where(arange(j)[:, None] <= arange(j), 1, 0)
