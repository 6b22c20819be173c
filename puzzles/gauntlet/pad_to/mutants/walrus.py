def pad_to(a, i: int, j: int):
    return a @ where((r := arange(i))[:, None] == arange(j), 1, 0)
