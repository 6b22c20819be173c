import torch


def quantize(w):
    amax = w.abs().amax()
    scale = (amax / 127 if amax > 0 else torch.tensor(1.0)).expand(w.shape[0]).clone()
    q = torch.round(w / scale[:, None]).clamp(-127, 127).to(torch.int8)
    return q, scale
