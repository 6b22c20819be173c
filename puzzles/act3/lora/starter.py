import torch
from torch import nn


class LoRALinear(nn.Module):
    def __init__(self, base: nn.Linear, rank: int, alpha: float) -> None:
        super().__init__()
        self.base = base
        # Freeze the base; add lora_A (rank, in_features) and lora_B (out_features, rank).

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.base(x)

    def merged(self) -> nn.Linear:
        return self.base
