import torch


def pairwise_sq_dists(a, b):
    out = torch.zeros(a.shape[0], b.shape[0])
    for i in range(a.shape[0]):
        out[i] = ((a[i] - b) ** 2).sum(-1)
    return out
