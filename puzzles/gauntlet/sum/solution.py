def sum(a):
    return ones(len(a)) @ a[:, None]
