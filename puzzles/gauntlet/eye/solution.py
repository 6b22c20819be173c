# ruff: noqa: F821 - the exam hands these names in
def eye(j: int):
    return where(arange(j)[:, None] == arange(j), 1, 0)
