"""act4.implicit_backward: a custom autograd.Function around a solver autograd cannot see.

y solves y³ + y = x. The forward runs Newton's method under no_grad; the backward is the
implicit-function derivative dy/dx = 1 / (3y² + 1). Judged on forward values, on gradients for
a random upstream gradient, and on a gradcheck done from outside: the harness returns the
Jacobian from the submission's backward and the one from central differences of its forward
(float64), and both must equal the true Jacobian.
"""

import torch

from game.engine.checks import Case, Check, Mismatch, describe, floats
from game.engine.compare import compare_tensors


def newton(x: torch.Tensor) -> torch.Tensor:
    with torch.no_grad():
        y = torch.sign(x) * torch.minimum(x.abs(), x.abs().pow(1 / 3))
        for _ in range(30):
            y = y - (y * y * y + y - x) / (3 * y * y + 1)
    return y


class _Cubic(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        y = newton(x.double()).to(x.dtype)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad / (3 * y * y + 1)


def reference(x):
    if isinstance(x, dict):
        x = x["gradcheck"]
        y = newton(x)
        return y, torch.diag((1 / (3 * y * y + 1)).reshape(-1))
    return _Cubic.apply(x)


def cases(g):
    yield Case("example: 0, 2, 10, -30", torch.tensor([0.0, 2.0, 10.0, -30.0]), example=True)
    yield Case("gradcheck float64 (5,)", {"gradcheck": floats(g, (5,), torch.float64,
                                                               scale=3.0)},
               grad=False, example=True,
               note="the Jacobian from your backward must match central differences of your "
                    "forward, and the true dy/dx")
    yield Case("gradcheck float64 (2, 3)", {"gradcheck": floats(g, (2, 3), torch.float64,
                                                                 scale=20.0)}, grad=False)
    yield Case("large magnitudes", torch.tensor([-1e30, -1e6, -1e-30, 1e-30, 1e6, 1e30]),
               note="y is about x^(1/3) for large |x| and about x for tiny |x|")
    yield Case("0-d", torch.tensor(-7.5))
    yield Case("empty", torch.empty(0, 2))
    for shape in [(7,), (3, 5)]:
        for dtype in (torch.float32, torch.float64):
            yield Case(f"random {str(dtype)[6:]} {shape}", floats(g, shape, dtype, scale=10.0))
    yield Case("non-contiguous (4, 3)", floats(g, (3, 4), scale=5.0).t())


def evaluate(case, expected, got, ctx):
    if not isinstance(case.args[0], dict):
        if type(got) is not torch.Tensor:
            return Mismatch("type", f"return a torch.Tensor, not {describe(got)}")
        return compare_tensors(expected, got, path="output", exact=False, rtol=case.rtol,
                               atol=case.atol)
    y_ref, jac_ref = expected
    if not (isinstance(got, tuple) and len(got) == 3
            and all(type(t) is torch.Tensor for t in got)):
        return Mismatch("type", "solve_cubic must return a tensor")
    y, analytic, numeric = got
    if y.shape != y_ref.shape or y.dtype != torch.float64:
        return Mismatch("dtype", f"for float64 x, return float64 y of x's shape; got "
                        f"{str(y.dtype)[6:]} {tuple(y.shape)}")
    if not torch.allclose(y, y_ref, rtol=1e-7, atol=1e-7):
        return Mismatch("values", "the forward values are not the solution of y³ + y = x")
    if not torch.allclose(numeric, jac_ref, rtol=1e-3, atol=1e-5):
        return Mismatch("values", "central differences of your forward do not give dy/dx: "
                        "is the forward a smooth function of x?")
    if bool(analytic.isnan().all()):
        return Mismatch("gradient", "no gradient reached x: the result is outside the "
                        "autograd graph, or the backward returned None")
    if not bool(torch.isfinite(analytic).all()):
        return Mismatch("gradient", "your backward returned a non-finite gradient")
    if not torch.allclose(analytic, numeric, rtol=1e-3, atol=1e-5):
        i, j = divmod(int((analytic - numeric).abs().argmax()), analytic.shape[1])
        return Mismatch("gradient", f"gradcheck failed: Jacobian entry ({i}, {j}) is "
                        f"{analytic[i, j].item():.6g} from your backward but "
                        f"{numeric[i, j].item():.6g} from central differences of your forward",
                        f"{numeric[i, j].item():.6g}", f"{analytic[i, j].item():.6g}")
    return None


CHECK = Check(reference=reference, cases=cases, grad=True, evaluate=evaluate)
