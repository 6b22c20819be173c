# ruff: noqa: F821 - the exam hands these names in
def linspace(i, j, n: int):
    return i + (j - i) * arange(n) / max(1, n - 1)
