# ruff: noqa: F821 - the exam hands these names in
def ones(i: int):
    return arange(i) * 0 + 1
