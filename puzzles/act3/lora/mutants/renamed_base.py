import torch
from torch import nn


class LoRALinear(nn.Module):
    def __init__(self, base, rank, alpha):
        super().__init__()
        self.linear = base
        self.linear.requires_grad_(False)
        w = base.weight
        self.lora_A = nn.Parameter(torch.randn(rank, base.in_features, dtype=w.dtype))
        self.lora_B = nn.Parameter(torch.zeros(base.out_features, rank, dtype=w.dtype))
        self.scaling = alpha / rank

    def forward(self, x):
        return self.linear(x) + (x @ self.lora_A.T @ self.lora_B.T) * self.scaling

    def merged(self):
        return self.linear
