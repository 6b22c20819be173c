# ruff: noqa: F821 - the exam hands these names in
def diag(a):
    return a[arange(len(a)), arange(len(a))]
