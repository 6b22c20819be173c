def repeat(a, d):
    return outer(ones(d[0]), a)
