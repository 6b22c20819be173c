import torch

from game.engine.checks import Case, Check, Mismatch, describe, floats, sizes
from game.engine.compare import compare_tensors

F64 = torch.float64
# What an exact derivation achieves in float64 (errors near 1e-15); finite differences, even
# central ones with a well-chosen step or Richardson extrapolation, stop near 1e-10 to 1e-12.
RTOL, ATOL = 1e-12, 1e-13


def loss(x, w, b, y):
    return ((torch.tanh(x @ w + b) - y) ** 2).mean()


def reference(x, w, b, y):
    """The ground truth comes from autograd, which the player may not use."""
    with torch.enable_grad():
        w = w.detach().clone().requires_grad_(True)
        (dw,) = torch.autograd.grad(loss(x, w, b, y), w)
    return dw


def problem(g, n, d, scale=1.0):
    x = floats(g, (n, d), F64, scale=scale)
    w = floats(g, (d,), F64, scale=1.0 / d ** 0.5)
    b = floats(g, (), F64, scale=0.5)
    y = torch.rand((n,), generator=g, dtype=F64) * 2 - 1
    return x, w, b, y


def cases(g):
    x = torch.tensor([[1.0, 0.0], [0.0, 2.0], [1.0, -1.0]], dtype=F64)
    w = torch.tensor([0.5, -0.25], dtype=F64)
    b = torch.tensor(0.0, dtype=F64)
    y = torch.tensor([1.0, 0.0, -1.0], dtype=F64)
    yield Case("example: N = 3, D = 2", x, w, b, y, example=True)
    yield Case("example: random N = 5, D = 3", *problem(g, 5, 3), example=True)
    yield Case("one sample (N = 1)", *problem(g, 1, 4), note="the mean of one term is that term")
    yield Case("one feature (D = 1)", *problem(g, 6, 1))
    x, w, b, _ = problem(g, 4, 3)
    yield Case("a perfect fit: y = tanh(x @ w + b)", x, w, b, torch.tanh(x @ w + b),
               note="the error is 0 everywhere, so the gradient is 0")
    yield Case("saturated units", *problem(g, 8, 3, scale=6.0),
               note="large pre-activations: tanh is flat there and tanh' = 1 - tanh² is tiny")
    yield Case("large N pulls the 1/N in", *problem(g, 400, 5))
    for _ in range(3):
        n, d = sizes(g, 1, 64), sizes(g, 1, 16)
        yield Case(f"random N = {n}, D = {d}", *problem(g, n, d))


def evaluate(case, expected, got, ctx):
    if type(got) is not torch.Tensor:
        return Mismatch("type", f"output: expected a torch.Tensor, got {describe(got)}")
    mismatch = compare_tensors(expected, got, path="output", exact=False, rtol=RTOL, atol=ATOL)
    if mismatch is not None and mismatch.kind == "values" and torch.allclose(
            got, expected, rtol=1e-5, atol=1e-8):
        mismatch.message += (
            " — right to about six digits but not to the 1e-12 a derivation reaches: that is "
            "what numerical differentiation (nudging w and measuring the loss) gives. Derive "
            "dL/dw with the chain rule instead")
    return mismatch


CHECK = Check(reference=reference, cases=cases, grad=False, evaluate=evaluate)
