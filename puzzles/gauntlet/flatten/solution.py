# ruff: noqa: F821 - the exam hands these names in
def flatten(a, i: int, j: int):
    return a[arange(i * j) // j, arange(i * j) % j]
