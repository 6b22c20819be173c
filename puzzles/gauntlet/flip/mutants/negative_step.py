def flip(a, i: int):
    return a[::-1]
