import torch


def quantize(w):
    amax = w.abs().amax(dim=1)
    scale = torch.where(amax > 0, amax / 128, torch.ones_like(amax))
    q = torch.round(w / scale[:, None]).clamp(-128, 127).to(torch.int8)
    return q, scale
