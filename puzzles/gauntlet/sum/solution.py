# ruff: noqa: F821 - the exam hands these names in
def sum(a):
    return ones(len(a)) @ a[:, None]
