"""finale.rmsnorm: RMSNorm as a module; half-precision input is normalised in float32."""

import torch
from torch import nn

from game.engine.checks import Case, Check, floats


class Reference(nn.Module):
    def __init__(self, dim, eps=1e-6):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        wide = torch.float64 if x.dtype == torch.float64 else torch.float32
        h = x.to(torch.float64)
        h = h / torch.sqrt(h.pow(2).mean(-1, keepdim=True) + self.eps)
        return (h * self.weight.to(torch.float64)).to(wide).to(x.dtype)


def weight(g, dim):
    return {"weight": 1 + floats(g, (dim,), scale=0.3)}


def cases(g):
    yield Case("example: (2, 4) float32", floats(g, (2, 4)), init=(4,), state=weight(g, 4),
               example=True)
    yield Case("(2, 5, 16) float32", floats(g, (2, 5, 16)), init=(16,), state=weight(g, 16))
    yield Case("float16, values near 1000", floats(g, (3, 64), torch.float16, 1000.0),
               init=(64,), state=weight(g, 64), grad=False,
               note="1000² overflows float16 (largest 65504): square and average in float32")
    yield Case("bfloat16, values near 1e4", floats(g, (2, 3, 32), torch.bfloat16, 1e4),
               init=(32,), state=weight(g, 32), grad=False)
    yield Case("float16, ordinary values", floats(g, (4, 48), torch.float16), init=(48,),
               state=weight(g, 48), grad=False)
    yield Case("tiny values: eps inside the root", floats(g, (3, 8), scale=1e-3), init=(8,),
               state=weight(g, 8), rtol=1e-4,  # gradients near 1 / rms = 1000: float32 rounding
               note="the mean square is 1e-6 here, as large as eps: sqrt(ms + eps) matters")
    yield Case("eps = 0.01", floats(g, (4, 6), scale=0.1), init=(6, 1e-2), state=weight(g, 6))
    yield Case("a row of zeros stays zero", torch.zeros(2, 8), init=(8,), state=weight(g, 8))
    yield Case("float64", floats(g, (3, 7, 10), torch.float64), init=(10,),
               state=weight(g, 10))
    yield Case("non-contiguous x (a transposed view)", floats(g, (12, 5)).T, init=(12,),
               state=weight(g, 12), note="normalise over the last dimension of the view")
    yield Case("no rows", torch.zeros(0, 5), init=(5,), state=weight(g, 5))


CHECK = Check(reference=Reference, cases=cases, grad=True)
