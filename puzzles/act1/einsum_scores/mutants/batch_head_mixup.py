import math

import torch


def scores(q, k):
    return torch.einsum("bhtd,hbsd->bhts", q, k) / math.sqrt(q.shape[-1])
