import torch


def root_or_zero(x: torch.Tensor) -> torch.Tensor:
    # Right values. Now call .backward() through it at x = 0, or at x = -4.
    return torch.where(x > 0, x.sqrt(), 0.0)
