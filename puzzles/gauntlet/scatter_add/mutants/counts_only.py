def scatter_add(values, link, j: int):
    return ones(len(link)) @ eye(j)[link]
