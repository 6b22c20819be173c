import math

import torch


def attention(q, k, v, causal=False):
    m = k.shape[-2]
    scale = 1 / math.sqrt(q.shape[-1])
    best = q.new_full((*q.shape[:-1], 1), float("-inf"))
    total = q.new_zeros((*q.shape[:-1], 1))
    acc = q.new_zeros((*q.shape[:-1], v.shape[-1]))
    rows = torch.arange(q.shape[-2])[:, None]
    for start in range(0, m, 256):
        s = (q @ k[..., start:start + 256, :].transpose(-2, -1)) * scale
        if causal:
            s = s.masked_fill(torch.arange(start, min(start + 256, m)) > rows, float("-inf"))
        best = torch.maximum(best, s.amax(dim=-1, keepdim=True))
        p = (s - best).exp()
        total = total + p.sum(dim=-1, keepdim=True)   # the old sums keep their old maximum
        acc = acc + p @ v[..., start:start + 256, :]
    return acc / total
