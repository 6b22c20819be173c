import torch.nn.functional as F


def bce_with_logits(z, y, pos_weight=None):
    return F.binary_cross_entropy_with_logits(z, y, pos_weight=pos_weight)
