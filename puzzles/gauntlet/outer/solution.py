# ruff: noqa: F821 - the exam hands these names in
def outer(a, b):
    return a[:, None] * b
