import torch


def pairwise_sq_dists(a, b):
    return (a[:, None, :] - b[None, :, :]).abs().sum(-1)
