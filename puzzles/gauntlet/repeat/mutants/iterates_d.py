def repeat(a, d):
    return outer(ones(max(d)), a)
