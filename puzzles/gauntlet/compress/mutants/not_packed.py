def compress(g, v, i: int):
    return v * g
