import torch


def root_or_zero(x):
    # Close in value, but tiny positive inputs lose their gradient.
    return torch.where(x > 0, x.clamp(min=1e-12).sqrt(), torch.zeros_like(x))
