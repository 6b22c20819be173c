import torch


def bce_with_logits(z, y, pos_weight=None):
    # log(1 + exp(-z)) overflows for z = -1e4.
    w = 1.0 if pos_weight is None else pos_weight
    softplus_neg = torch.log(1 + torch.exp(-z))
    return ((1 - y) * z + (1 + (w - 1) * y) * softplus_neg).mean()
