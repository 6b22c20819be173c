def bincount(a, j: int):
    return (a[:, None] == arange(j)).sum(0)
