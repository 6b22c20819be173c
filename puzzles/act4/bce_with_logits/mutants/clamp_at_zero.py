import torch


def bce_with_logits(z, y, pos_weight=None):
    # The usual stable form, but clamp's gradient at exactly 0 is one-sided.
    w = 1.0 if pos_weight is None else pos_weight
    log_weight = 1 + (w - 1) * y
    softplus_neg = torch.log1p(torch.exp(-z.abs())) + (-z).clamp(min=0)
    return ((1 - y) * z + log_weight * softplus_neg).mean()
