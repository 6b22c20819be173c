import torch


def root_or_zero(x):
    return torch.where(x > 0, (x.clamp(min=0) + 1e-6).sqrt(), torch.zeros_like(x))
