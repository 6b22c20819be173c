"""Child side of act4.nan_hunt: the lab's model, rebuilt from the judge's weights.

The same file defines the architecture for check.py, which loads it to compute the answer.
"""

import torch
from torch import nn


class Block(nn.Module):
    """A residual block with an op of its own: the division by its temperature."""

    def __init__(self, d: int) -> None:
        super().__init__()
        self.lin = nn.Linear(d, d)
        self.norm = nn.LayerNorm(d)
        self.temperature = nn.Parameter(torch.ones(()))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.norm(self.lin(x)) / self.temperature


class Lab(nn.Module):
    """embed → shared → blocks (two Blocks) → shared again → head (ReLU, Linear)."""

    def __init__(self, d_in: int = 4, d: int = 8, d_out: int = 2) -> None:
        super().__init__()
        self.embed = nn.Linear(d_in, d)
        self.shared = nn.Linear(d, d)
        self.blocks = nn.Sequential(Block(d), Block(d))
        self.head = nn.Sequential(nn.ReLU(), nn.Linear(d, d_out))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.shared(self.embed(x))
        h = self.shared(self.blocks(h))
        return self.head(h)


def build(state: dict) -> Lab:
    model = Lab()
    model.load_state_dict(state)
    return model


def hooks_left(model: nn.Module) -> int:
    return sum(len(m._forward_hooks) + len(m._forward_pre_hooks) for m in model.modules())


def run(entry, state, x):
    model = build(state)
    name = entry(model, x)
    if type(name) is not str:
        raise TypeError(f"first_nonfinite must return a str, not {type(name).__name__}")
    return name, hooks_left(model)
