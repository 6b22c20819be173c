import torch


def root_or_zero(x):
    return torch.where(x > 0, x.sqrt(), torch.zeros_like(x))
