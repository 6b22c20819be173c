import torch


def pairwise_sq_dists(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    # a: (N, D), b: (M, D). Return (N, M): out[i, j] = sum over d of (a[i, d] - b[j, d])**2.
    # No loops: give a and b the right singleton dimensions and let broadcasting work.
    return torch.zeros(a.shape[0], b.shape[0])
