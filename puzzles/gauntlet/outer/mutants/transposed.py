def outer(a, b):
    return a * b[:, None]
