import torch


def cross_entropy(logits, target, ignore_index=-100, label_smoothing=0.0):
    logp = logits - logits.exp().sum(dim=1, keepdim=True).log()
    keep = target != ignore_index
    picked = logp.gather(1, torch.where(keep, target, 0).unsqueeze(1)).squeeze(1)
    per_row = -(1 - label_smoothing) * picked - label_smoothing * logp.mean(dim=1)
    return torch.where(keep, per_row, 0.0).sum() / keep.sum()
