def repeat(a, d):
    return outer(a, ones(d[0]))
