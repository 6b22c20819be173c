def linspace(i, j, n: int):
    return i + (j - i) * arange(n) / n
