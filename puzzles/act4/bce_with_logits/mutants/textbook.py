import torch


def bce_with_logits(z, y, pos_weight=None):
    p = torch.sigmoid(z)
    w = 1.0 if pos_weight is None else pos_weight
    return -(w * y * torch.log(p) + (1 - y) * torch.log(1 - p)).mean()
