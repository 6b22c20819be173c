def diag(a):
    return a[arange(len(a)), len(a) - 1 - arange(len(a))]
