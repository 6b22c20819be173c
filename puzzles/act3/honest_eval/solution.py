import torch
from torch import nn


def evaluate(model: nn.Module, loader) -> float:
    was_training = model.training
    model.eval()
    correct = total = 0
    try:
        with torch.no_grad():
            for x, y in loader:
                correct += (model(x).argmax(dim=1) == y).sum().item()
                total += len(y)
    finally:
        model.train(was_training)
    return correct / total
