import torch


def prune(state: dict[str, torch.Tensor], x: torch.Tensor) -> dict[str, torch.Tensor]:
    # Find the hidden units whose ReLU output is zero on every row of x, and drop them:
    # rows of fc1, columns of fc2.
    return dict(state)
