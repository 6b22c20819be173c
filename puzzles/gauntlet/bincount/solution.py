def bincount(a, j: int):
    return ones(len(a)) @ eye(j)[a]
