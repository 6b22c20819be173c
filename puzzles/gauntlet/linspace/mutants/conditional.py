def linspace(i, j, n: int):
    return i + (j - i) * arange(n) / (n - 1 if n > 1 else 1)
