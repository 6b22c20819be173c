import torch
from torch import nn


def capture(model: nn.Module, x: torch.Tensor, names: list[str]) -> dict[str, torch.Tensor]:
    # Register a forward hook on each named module (model.named_modules()), run the model once,
    # and remove every hook afterwards.
    captured: dict[str, torch.Tensor] = {}
    model(x)
    return captured
