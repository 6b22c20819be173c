def eye(j: int):
    r = arange(j); return where(r[:, None] == r, 1, 0)
