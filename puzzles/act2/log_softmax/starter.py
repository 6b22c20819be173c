import torch


def log_softmax(x: torch.Tensor, dim: int = -1) -> torch.Tensor:
    # The textbook formula. Try it on torch.tensor([1e4, 1e4 + 1]) before trusting it.
    return x - x.exp().sum(dim=dim, keepdim=True).log()
