# ruff: noqa: F821 - the exam hands these names in
def heaviside(a, b):
    return where(a == 0, b, where(a > 0, 1, 0))
