import torch
import torch.nn.functional as F


def cross_entropy(logits, target, ignore_index=-100, label_smoothing=0.0):
    shifted = logits - logits.amax(dim=1, keepdim=True)
    logp = shifted - shifted.exp().sum(dim=1, keepdim=True).log()
    nll = F.nll_loss(logp, target, ignore_index=ignore_index)
    keep = target != ignore_index
    smooth = torch.where(keep, -logp.mean(dim=1), 0.0).sum() / keep.sum()
    return (1 - label_smoothing) * nll + label_smoothing * smooth
