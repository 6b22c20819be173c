def eye(j: int):
    return arange(j)[:, None] == arange(j)
