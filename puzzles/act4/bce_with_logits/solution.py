import torch


def bce_with_logits(z, y, pos_weight=None):
    # log σ(z) = z/2 - (|z|/2 + log1p(exp(-|z|))), log(1 - σ(z)) = -z/2 - (the same):
    # exp never sees a positive argument, and nothing one-sided sits at z = 0.
    tail = 0.5 * z.abs() + torch.log1p(torch.exp(-z.abs()))
    log_p = 0.5 * z - tail
    log_not_p = -0.5 * z - tail
    w = 1.0 if pos_weight is None else pos_weight
    return -(w * y * log_p + (1 - y) * log_not_p).mean()
