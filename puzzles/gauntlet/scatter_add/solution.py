def scatter_add(values, link, j: int):
    return values @ eye(j)[link]
