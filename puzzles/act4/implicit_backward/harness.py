"""Child side of act4.implicit_backward. A plain case calls solve_cubic(x). A gradcheck case
(a dict) measures, in float64, the Jacobian that the submission's backward reports and the one
that central differences of its forward give; the judge compares both with the true one."""

import torch

EPS = 1e-6


def run(entry, x):
    if not isinstance(x, dict):
        return entry(x)
    x = x["gradcheck"].detach().clone().requires_grad_(True)
    y = entry(x)
    if type(y) is not torch.Tensor or y.shape != x.shape:
        raise TypeError("solve_cubic must return a tensor of x's shape")
    n = x.numel()
    # NaN rows stand for "no gradient reached x" (a result outside the graph, or None
    # returned by the backward).
    analytic = torch.full((n, n), float("nan"), dtype=torch.float64)
    for i in range(n if y.requires_grad else 0):
        up = torch.zeros(n, dtype=torch.float64)
        up[i] = 1.0
        (row,) = torch.autograd.grad(y, x, up.view_as(y), retain_graph=True,
                                     allow_unused=True)
        if row is None:
            break
        analytic[i] = row.reshape(-1)
    numeric = torch.zeros(n, n, dtype=torch.float64)
    with torch.no_grad():
        for j in range(n):
            step = torch.zeros(n, dtype=torch.float64)
            step[j] = EPS
            step = step.view_as(x)
            numeric[:, j] = ((entry(x + step) - entry(x - step)) / (2 * EPS)).reshape(-1)
    return y.detach(), analytic, numeric
