def flip(a, i: int):
    return a.flip(0)
