import math

import torch

from game.engine.checks import Case, Check, floats


def reference(x):
    """Computed in float64 and rounded once to the input's dtype: the most exact answer."""
    x64 = x.double()
    return (0.5 * x64 * (1 + torch.erf(x64 / math.sqrt(2)))).to(x.dtype)


def cases(g):
    yield Case("example: -1, 0, 1", torch.tensor([-1.0, 0.0, 1.0]), example=True)
    yield Case("example: a (2, 3) float64 grid", floats(g, (2, 3), torch.float64), example=True)
    yield Case("empty tensor", torch.empty(0))
    yield Case("0-d tensor", torch.tensor(0.75))
    yield Case("large magnitudes", torch.tensor([-1e4, -60.0, -8.0, 8.0, 60.0, 1e4]),
               note="erf saturates to ±1; the result and its gradient must stay finite")
    yield Case("around the tanh formula's worst spot", torch.linspace(-3.0, 3.0, 61),
               note="the tanh and sigmoid approximations drift here")
    yield Case("a transposed (non-contiguous) (4, 6) view", floats(g, (6, 4), scale=3.0).T,
               note="elementwise code works on any strides")
    # Half precision: computing in the half type itself or in float32 and rounding back are
    # both fine, so the tolerance is a few units of the type's last place; the dtype is exact.
    yield Case("float16 (output stays float16)", floats(g, (4, 8), torch.float16, scale=3.0),
               rtol=2e-3, atol=2e-3, grad=False)
    yield Case("bfloat16 (output stays bfloat16)", floats(g, (4, 8), torch.bfloat16, scale=3.0),
               rtol=1.6e-2, atol=1e-2, grad=False)
    for shape in [(1,), (7,), (3, 5), (2, 3, 4)]:
        for dtype in (torch.float32, torch.float64):
            name = f"random {str(dtype)[6:]} {shape}"
            yield Case(name, floats(g, shape, dtype, scale=3.0))


CHECK = Check(reference=reference, cases=cases, grad=True)
