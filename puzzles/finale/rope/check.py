"""finale.rope: rotary position embedding, rotate-half convention (shared/CANON.md)."""

import torch

from game.engine.checks import Case, Check, floats

F32 = {"rtol": 1e-3, "atol": 2e-3}


def reference(x, positions, base=10000.0):
    d = x.shape[-1]
    h = d // 2
    xd = x.double()
    theta = base ** (-2 * torch.arange(h, dtype=torch.float64) / d)
    a = positions.double()[:, None] * theta
    x1, x2 = xd[..., :h], xd[..., h:]
    out = torch.cat([x1 * a.cos() - x2 * a.sin(), x2 * a.cos() + x1 * a.sin()], dim=-1)
    return out.to(x.dtype)


def positions(g, n, high=4096):
    return torch.randint(0, high, (n,), generator=g)


def cases(g):
    yield Case("example: two positions, D = 2", torch.tensor([[1.0, 0.0], [1.0, 0.0]]),
               torch.tensor([0, 1]), example=True, **F32)
    yield Case("example: positions 0..5, D = 8", floats(g, (6, 8)), torch.arange(6),
               example=True, **F32)
    yield Case("batch and heads (2, 3, 16, 32)", floats(g, (2, 3, 16, 32)),
               torch.arange(16), **F32)
    yield Case("positions up to 4095, in any order", floats(g, (4, 24, 64)),
               positions(g, 24), note="angles reach 4095 radians in the first pair", **F32)
    yield Case("base 500", floats(g, (5, 16)), positions(g, 5, 100), 500.0, **F32)
    yield Case("float64: angles in float64", floats(g, (3, 10, 16), torch.float64),
               positions(g, 10), note="float64 input: the angles must be float64 too")
    yield Case("non-contiguous x (a transposed view)", floats(g, (8, 7, 12)).transpose(0, 1),
               positions(g, 8), **F32)
    yield Case("no tokens: N = 0", floats(g, (2, 0, 8)), torch.zeros(0, dtype=torch.int64),
               **F32)
    yield Case("one pair, D = 2, float64", floats(g, (9, 2), torch.float64), positions(g, 9))


CHECK = Check(reference=reference, cases=cases, grad=True)
