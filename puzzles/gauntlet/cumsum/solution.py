# ruff: noqa: F821 - the exam hands these names in
def cumsum(a):
    return a @ triu(len(a))
