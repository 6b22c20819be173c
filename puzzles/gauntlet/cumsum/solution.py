def cumsum(a):
    return a @ triu(len(a))
