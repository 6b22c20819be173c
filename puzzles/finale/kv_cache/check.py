"""finale.kv_cache: causal self-attention with a key/value cache (shared/CANON.md).

The harness runs the player's module over all tokens at once and then in chunks with the
cache; the reference module, loaded with the same weights, does both the plain way."""

import math

import torch
from torch import nn

from game.engine.checks import Case, Check, floats


class Reference(nn.Module):
    def __init__(self, d_model, n_heads):
        super().__init__()
        self.n_heads = n_heads
        self.qkv = nn.Linear(d_model, 3 * d_model)
        self.proj = nn.Linear(d_model, d_model)

    def forward(self, x, chunks):
        self.to(x.dtype)
        b, t, d = x.shape
        h = self.n_heads
        with torch.no_grad():
            q, k, v = (z.view(b, t, h, d // h).transpose(1, 2)
                       for z in self.qkv(x).split(d, -1))
            scores = q @ k.transpose(-2, -1) / math.sqrt(d // h)
            causal = torch.ones(t, t, dtype=torch.bool).tril()
            att = scores.masked_fill(~causal, float("-inf")).softmax(-1)
            y = self.proj((att @ v).transpose(1, 2).reshape(b, t, d))
        return y, y.clone(), k, v


def state(g, d_model, dtype=torch.float32):
    return {"qkv.weight": floats(g, (3 * d_model, d_model), dtype, d_model ** -0.5),
            "qkv.bias": floats(g, (3 * d_model,), dtype, 0.1),
            "proj.weight": floats(g, (d_model, d_model), dtype, d_model ** -0.5),
            "proj.bias": floats(g, (d_model,), dtype, 0.1)}


def case(g, name, b, t, d, h, chunks, dtype=torch.float32, **kw):
    assert sum(chunks) == t
    x = floats(g, (b, t, d), dtype)
    return Case(name, x, chunks, init=(d, h), state=state(g, d), **kw)


def cases(g):
    yield case(g, "example: 5 tokens, then 2 + 3 with the cache", 1, 5, 8, 2, [2, 3],
               example=True)
    yield case(g, "one token at a time", 2, 7, 16, 4, [1] * 7,
               note="the query at position T_past + i sees keys 0 .. T_past + i")
    yield case(g, "a prompt, then one token at a time", 2, 9, 16, 4, [5, 1, 1, 1, 1])
    yield case(g, "uneven chunks 3, 1, 4", 3, 8, 12, 3, [3, 1, 4])
    yield case(g, "all at once, one chunk", 2, 6, 16, 2, [6])
    yield case(g, "batch equals heads (4 and 4)", 4, 6, 16, 4, [2, 2, 2],
               note="heads by view(B, T, n_heads, d_head).transpose(1, 2)")
    yield case(g, "one head", 2, 5, 6, 1, [1, 4])
    yield case(g, "float64", 2, 6, 8, 2, [4, 2], torch.float64)
    x = floats(g, (6, 2, 8)).transpose(0, 1)
    yield Case("non-contiguous x (a transposed view)", x, [3, 3], init=(8, 2),
               state=state(g, 8))


CHECK = Check(reference=Reference, cases=cases)
