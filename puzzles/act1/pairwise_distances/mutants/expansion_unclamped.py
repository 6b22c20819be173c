import torch


def pairwise_sq_dists(a, b):
    return (a * a).sum(-1)[:, None] - 2 * a @ b.T + (b * b).sum(-1)[None, :]
