import torch
from torch import nn


def first_nonfinite(model: nn.Module, x: torch.Tensor) -> str:
    # Only the final output is checked here. Which module made it?
    if torch.isfinite(model(x)).all():
        return ""
    return "somewhere"
