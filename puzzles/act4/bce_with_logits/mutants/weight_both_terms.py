import torch


def bce_with_logits(z, y, pos_weight=None):
    tail = 0.5 * z.abs() + torch.log1p(torch.exp(-z.abs()))
    w = 1.0 if pos_weight is None else pos_weight
    return -(w * (y * (0.5 * z - tail) + (1 - y) * (-0.5 * z - tail))).mean()
