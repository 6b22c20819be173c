import torch
from torch import nn


class LoRALinear(nn.Module):
    def __init__(self, base: nn.Linear, rank: int, alpha: float) -> None:
        super().__init__()
        self.base = base
        self.base.requires_grad_(False)
        w = base.weight
        self.lora_A = nn.Parameter(torch.randn(rank, base.in_features, dtype=w.dtype,
                                               device=w.device) / rank ** 0.5)
        self.lora_B = nn.Parameter(torch.randn(base.out_features, rank, dtype=w.dtype,
                                               device=w.device))
        self.scaling = alpha / rank

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.base(x) + (x @ self.lora_A.T @ self.lora_B.T) * self.scaling

    def merged(self) -> nn.Linear:
        w = self.base.weight
        out = nn.Linear(self.base.in_features, self.base.out_features,
                        bias=self.base.bias is not None, dtype=w.dtype, device=w.device)
        with torch.no_grad():
            out.weight.copy_(w + self.scaling * self.lora_B @ self.lora_A)
            if self.base.bias is not None:
                out.bias.copy_(self.base.bias)
        return out
