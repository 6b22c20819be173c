import torch


def cross_entropy(logits: torch.Tensor, target: torch.Tensor, ignore_index: int = -100,
                  label_smoothing: float = 0.0) -> torch.Tensor:
    shifted = logits - logits.amax(dim=1, keepdim=True)
    logp = shifted - shifted.exp().sum(dim=1, keepdim=True).log()
    keep = target != ignore_index
    picked = logp.gather(1, torch.where(keep, target, 0).unsqueeze(1)).squeeze(1)
    per_row = -(1 - label_smoothing) * picked - label_smoothing * logp.mean(dim=1)
    return torch.where(keep, per_row, 0.0).sum() / keep.sum()
