def bucketize(v, boundaries):
    return where(boundaries[None] <= v[:, None], 1, 0) @ ones(len(boundaries))
