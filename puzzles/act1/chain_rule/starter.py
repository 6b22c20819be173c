import torch


def grad_of_loss(x: torch.Tensor, w: torch.Tensor, b: torch.Tensor,
                 y: torch.Tensor) -> torch.Tensor:
    # L = mean((tanh(x @ w + b) - y)²). Return dL/dw, shape (D,), worked out by hand.
    # Walk back one link at a time: from L to a = tanh(z), from a to z = x @ w + b,
    # from z to w. The forward pass is where to start:  a = torch.tanh(x @ w + b)
    return torch.zeros_like(w)
