import torch


def vstack(a, b):
    return torch.vstack((a, b))
