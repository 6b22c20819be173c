def diag(a):
    return [a[k, k] for k in arange(len(a))]
