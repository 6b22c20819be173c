def heaviside(a, b):
    return where(a == 0, b, where(a > 0, 1, 0))
