import math

import torch


def scores(q: torch.Tensor, k: torch.Tensor) -> torch.Tensor:
    # q: (B, H, T, D), k: (B, H, S, D). Return (B, H, T, S) = q·kᵀ / √D.
    # Name every axis with a letter, then let torch.einsum sum over the shared one.
    return torch.einsum("bhtd,bhsd->bhtsd", q, k)
