import torch
from torch import nn


class RMSNorm(nn.Module):
    def __init__(self, dim: int, eps: float = 1e-6):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        wide = torch.promote_types(x.dtype, torch.float32)   # float16/bfloat16 -> float32
        h = x.to(wide)
        h = h / (h.pow(2).mean(dim=-1, keepdim=True).sqrt() + self.eps)
        return (h * self.weight.to(wide)).to(x.dtype)
