def bucketize(v, boundaries):
    return (boundaries[None] <= v[:, None]).sum(1)
