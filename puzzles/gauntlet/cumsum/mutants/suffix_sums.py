def cumsum(a):
    return triu(len(a)) @ a
