import math

import torch


def scores(q: torch.Tensor, k: torch.Tensor) -> torch.Tensor:
    # b, h: carried along; t, s: kept as the output grid; d: summed away.
    return torch.einsum("bhtd,bhsd->bhts", q, k) / math.sqrt(q.shape[-1])
