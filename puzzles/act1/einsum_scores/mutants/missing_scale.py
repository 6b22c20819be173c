import torch


def scores(q, k):
    return torch.einsum("bhtd,bhsd->bhts", q, k)
