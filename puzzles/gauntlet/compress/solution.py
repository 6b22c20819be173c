# ruff: noqa: F821 - the exam hands these names in
def compress(g, v, i: int):
    return v * g @ eye(i)[cumsum(1 * g) - 1]
