def compress(g, v, i: int):
    slot = cumsum(1 * g) - 1
    return v * g @ eye(i)[slot]
