import torch
from torch import nn


def predict(model: nn.Module, x: torch.Tensor) -> torch.Tensor:
    # Works in the notebook. On stage, the model might be in either mode, and it must be
    # left exactly as it was found.
    return model(x)
