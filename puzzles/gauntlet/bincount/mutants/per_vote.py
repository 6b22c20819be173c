def bincount(a, j: int):
    return eye(j)[a] @ ones(j)
