import math

import torch


def scores(q, k):
    return torch.einsum("bhtd,bhsd->bhts", q, k) / math.sqrt(k.shape[-2])
