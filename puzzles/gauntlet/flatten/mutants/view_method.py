def flatten(a, i: int, j: int):
    return a.view(i * j)
