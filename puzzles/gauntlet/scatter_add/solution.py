# ruff: noqa: F821 - the exam hands these names in
def scatter_add(values, link, j: int):
    return values @ eye(j)[link]
