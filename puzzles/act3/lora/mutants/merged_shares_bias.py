import torch
from torch import nn


class LoRALinear(nn.Module):
    def __init__(self, base, rank, alpha):
        super().__init__()
        self.base = base
        self.base.requires_grad_(False)
        w = base.weight
        self.lora_A = nn.Parameter(torch.randn(rank, base.in_features, dtype=w.dtype))
        self.lora_B = nn.Parameter(torch.zeros(base.out_features, rank, dtype=w.dtype))
        self.scaling = alpha / rank

    def forward(self, x):
        return self.base(x) + (x @ self.lora_A.T @ self.lora_B.T) * self.scaling

    def merged(self):
        out = nn.Linear(self.base.in_features, self.base.out_features, dtype=self.base.weight.dtype)
        out.weight = nn.Parameter(self.base.weight + self.scaling * self.lora_B @ self.lora_A)
        out.bias = self.base.bias
        return out
