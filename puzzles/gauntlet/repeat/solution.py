# ruff: noqa: F821 - the exam hands these names in
def repeat(a, d):
    return outer(ones(d[0]), a)
