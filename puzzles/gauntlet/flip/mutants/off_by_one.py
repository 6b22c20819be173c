def flip(a, i: int):
    return a[-arange(i)]
