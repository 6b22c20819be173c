def linspace(i, j, n: int):
    return i + (j - i) * arange(n) / max(1, n - 1)
