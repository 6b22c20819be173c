def pad_to(a, i: int, j: int):
    return a[:j]
