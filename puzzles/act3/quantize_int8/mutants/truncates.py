import torch


def quantize(w):
    amax = w.abs().amax(dim=1)
    scale = torch.where(amax > 0, amax / 127, torch.ones_like(amax))
    q = (w / scale[:, None]).clamp(-127, 127).to(torch.int8)
    return q, scale
