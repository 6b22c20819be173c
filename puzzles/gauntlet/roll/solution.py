# ruff: noqa: F821 - the exam hands these names in
def roll(a, i: int):
    return a[(arange(i) + 1) % i]
