def vstack(a, b):
    return where(arange(2)[:, None] == 0, a, b)
