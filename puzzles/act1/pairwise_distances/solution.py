import torch


def pairwise_sq_dists(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    diff = a[:, None, :] - b[None, :, :]      # (N, 1, D) - (1, M, D) -> (N, M, D)
    return (diff * diff).sum(dim=-1)          # (N, M)
