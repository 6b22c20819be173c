import math

import torch


def attention(q, k, v, causal=False):
    n, m = q.shape[-2], k.shape[-2]
    heads = q.numel() // max(1, n * q.shape[-1])
    block = max(1, min(n, (1 << 20) // max(1, heads * m)))
    kt = k.transpose(-2, -1) / q.shape[-1]
    keys = torch.arange(m)
    outs = []
    for start in range(0, n, block):
        scores = q[..., start:start + block, :] @ kt
        if causal:
            rows = torch.arange(start, min(start + block, n))
            scores = scores.masked_fill(keys > rows[:, None], float("-inf"))
        scores = scores - scores.amax(dim=-1, keepdim=True)
        weights = scores.exp()
        outs.append((weights @ v) / weights.sum(dim=-1, keepdim=True))
    return torch.cat(outs, dim=-2) if outs else q.new_empty(*q.shape[:-1], v.shape[-1])
