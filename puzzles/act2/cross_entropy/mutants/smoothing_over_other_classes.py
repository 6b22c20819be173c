import torch


def cross_entropy(logits, target, ignore_index=-100, label_smoothing=0.0):
    shifted = logits - logits.amax(dim=1, keepdim=True)
    logp = shifted - shifted.exp().sum(dim=1, keepdim=True).log()
    keep = target != ignore_index
    picked = logp.gather(1, torch.where(keep, target, 0).unsqueeze(1)).squeeze(1)
    others = (logp.sum(dim=1) - picked) / (logp.shape[1] - 1)
    per_row = -(1 - label_smoothing) * picked - label_smoothing * others
    return torch.where(keep, per_row, 0.0).sum() / keep.sum()
