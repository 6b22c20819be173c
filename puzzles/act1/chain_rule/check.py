import torch

from game.engine.checks import Case, Check, floats, sizes

F64 = torch.float64


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


CHECK = Check(reference=reference, cases=cases, grad=False)
