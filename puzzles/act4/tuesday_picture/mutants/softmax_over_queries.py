import math

import torch


def read_heads(model, tokens):
    t, d = tokens.shape[0], model.pos.shape[1]
    dh = d // model.n_heads
    with torch.no_grad():
        h = model.embed(tokens) + model.pos[:t]
        q, k, _ = model.qkv(h).split(d, dim=-1)
        q = q.view(t, model.n_heads, dh).transpose(0, 1)  # (heads, T, dh)
        k = k.view(t, model.n_heads, dh).transpose(0, 1)
        scores = q @ k.transpose(-2, -1) / math.sqrt(dh)
        future = torch.ones(t, t, dtype=torch.bool).triu(1)
        maps = scores.masked_fill(future, float("-inf")).softmax(dim=-2)
    # The weight each query puts on the token just before it: the subdiagonal.
    previous = maps.diagonal(offset=-1, dim1=1, dim2=2).mean(dim=1)
    return maps, int(previous.argmax())
