import math

import torch

from game.engine.checks import Case, Check, floats


def reference(x):
    return 0.5 * x * (1 + torch.erf(x / math.sqrt(2)))


def cases(g):
    yield Case("example: -1, 0, 1", torch.tensor([-1.0, 0.0, 1.0]), example=True)
    yield Case("example: a (2, 3) float64 grid", floats(g, (2, 3), torch.float64), example=True)
    yield Case("empty tensor", torch.empty(0))
    yield Case("0-d tensor", torch.tensor(0.75))
    yield Case("large magnitudes", torch.tensor([-1e4, -60.0, -8.0, 8.0, 60.0, 1e4]),
               note="erf saturates to ±1; the result must stay finite", grad=False)
    yield Case("around the tanh formula's worst spot", torch.linspace(-3.0, 3.0, 61),
               note="the tanh and sigmoid approximations drift here")
    for shape in [(1,), (7,), (3, 5), (2, 3, 4)]:
        for dtype in (torch.float32, torch.float64):
            name = f"random {str(dtype)[6:]} {shape}"
            yield Case(name, floats(g, shape, dtype, scale=3.0))


CHECK = Check(reference=reference, cases=cases, grad=True)
