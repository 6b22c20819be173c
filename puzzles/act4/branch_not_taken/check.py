"""act4.branch_not_taken: √x where x > 0, else 0, with a gradient that is finite everywhere.

The reference feeds the square root only safe values (the double-where), so its gradient is
1 / (2√x) where x > 0 and exactly 0 elsewhere, x = 0 included.
"""

import torch

from game.engine.checks import Case, Check, floats


def reference(x):
    positive = x > 0
    safe = torch.where(positive, x, torch.ones_like(x))
    return torch.where(positive, safe.sqrt(), torch.zeros_like(x))


def cases(g):
    yield Case("example: -4, 0, 0.25, 9", torch.tensor([-4.0, 0.0, 0.25, 9.0]), example=True,
               note="at -4 and at 0 the branch not taken must contribute a gradient of 0")
    yield Case("exact zeros only", torch.zeros(5),
               note="√x has an infinite slope at 0; the branch taken there is the constant 0")
    yield Case("tiny positives", torch.tensor([1e-30, 1e-38, 1e-44, 3e-8, 1.0]),
               note="still the √x branch: the gradient 1 / (2√x) is huge but finite")
    yield Case("-inf and large magnitudes", torch.tensor([-float("inf"), -1e30, -1e4, 1e4, 1e30]),
               note="the square root of a negative number is NaN, even in a branch not taken")
    yield Case("0-d negative", torch.tensor(-2.5))
    yield Case("0-d zero", torch.tensor(0.0))
    yield Case("empty", torch.empty(0, 3))
    for shape in [(7,), (3, 5), (2, 3, 4)]:
        for dtype in (torch.float32, torch.float64):
            x = floats(g, shape, dtype, scale=3.0)
            x = torch.where(torch.rand(shape, generator=g) < 0.2, torch.zeros_like(x), x)
            yield Case(f"random {str(dtype)[6:]} {shape} with zeros", x)
    yield Case("non-contiguous float64 (4, 6)", floats(g, (6, 4), torch.float64).t())


CHECK = Check(reference=reference, cases=cases, grad=True)
