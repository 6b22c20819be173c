# ruff: noqa: F821 - the exam hands these names in
def flip(a, i: int):
    return a[i - 1 - arange(i)]
