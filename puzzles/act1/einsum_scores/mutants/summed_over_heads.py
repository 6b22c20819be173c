import math

import torch


def scores(q, k):
    return torch.einsum("bhtd,bhsd->bts", q, k) / math.sqrt(q.shape[-1])
