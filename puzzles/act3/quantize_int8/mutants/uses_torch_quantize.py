import torch


def quantize(w):
    amax = w.abs().amax(dim=1)
    scale = torch.where(amax > 0, amax / 127, torch.ones_like(amax))
    zero = torch.zeros(w.shape[0], dtype=torch.int64)
    q = torch.quantize_per_channel(w, scale.double(), zero, 0, torch.qint8)
    return q.int_repr(), scale
