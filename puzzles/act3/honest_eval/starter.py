import torch
from torch import nn


def evaluate(model: nn.Module, loader) -> float:
    # Hammer's leaderboard number: the mean of per-batch accuracies, in whatever mode.
    scores = [(model(x).argmax(dim=1) == y).float().mean().item() for x, y in loader]
    return sum(scores) / len(scores)
