def vstack(a, b):
    return where(arange(2)[:, None] == 1, a, b)
