# ruff: noqa: F821 - the exam hands these names in
def bincount(a, j: int):
    return ones(len(a)) @ eye(j)[a]
