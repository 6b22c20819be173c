"""act4.settle: a recurrent cell run until each sample settles; the graph differs per sample.

h_0 = 0, h_t = tanh(x + h_{t-1} @ w); a sample stops at the first t whose update
max|h_t - h_{t-1}| is below tol (or at max_steps). The reference runs each sample on its own
with Python control flow, exactly as the definition reads. Cases are drawn so that no update
lies within 2 % of tol: float rounding in a batched answer cannot flip a stopping decision.
"""

import torch

from game.engine.checks import Case, Check, floats

MARGIN = 0.02


def _trajectory(x_row, w, tol, max_steps):
    h = torch.zeros_like(x_row)
    deltas = []
    for t in range(1, max_steps + 1):
        new = torch.tanh(x_row + h @ w)
        delta = (new - h).abs().max()
        deltas.append(float(delta.detach()))
        h = new
        if delta < tol:
            return h, t, deltas
    return h, max_steps, deltas


def reference(x, w, tol, max_steps):
    outs, steps = [], []
    for b in range(x.shape[0]):
        h, t, _ = _trajectory(x[b], w, tol, max_steps)
        outs.append(h)
        steps.append(t)
    h = torch.stack(outs) if outs else x.new_zeros(x.shape)
    return h, torch.tensor(steps, dtype=torch.int64)


def _clear(x, w, tol, max_steps):
    with torch.no_grad():
        for b in range(x.shape[0]):
            _, _, deltas = _trajectory(x[b].double(), w.double(), tol, max_steps)
            if any(abs(d - tol) < MARGIN * tol for d in deltas):
                return False
    return True


def draw(g, batch, dim, dtype, scale, gain, tol, max_steps):
    for _ in range(100):
        x = floats(g, (batch, dim), dtype, scale=scale)
        w = floats(g, (dim, dim), dtype, scale=gain / dim ** 0.5)
        if _clear(x, w, tol, max_steps):
            return x, w
    raise RuntimeError("no clear case drawn")


def cases(g):
    x = torch.tensor([[0.5, -0.2], [3.0, 2.5], [0.0, 0.0]])
    w = torch.tensor([[0.4, -0.3], [0.2, 0.5]])
    yield Case("example: three samples, three ways to settle", x, w, 1e-3, 50, example=True)
    yield Case("random float32 (8, 4)", *draw(g, 8, 4, torch.float32, 1.5, 0.8, 1e-4, 60), 1e-4,
               60)
    yield Case("random float64 (6, 5)", *draw(g, 6, 5, torch.float64, 2.0, 0.9, 1e-6, 80), 1e-6,
               80)
    yield Case("some never settle: max_steps 10",
               *draw(g, 7, 3, torch.float32, 1.5, 1.2, 1e-5, 10), 1e-5, 10,
               note="a sample that has not settled after max_steps stops there")
    yield Case("one sample (1, 3)", *draw(g, 1, 3, torch.float64, 1.0, 0.7, 1e-5, 40), 1e-5, 40)
    x, w = draw(g, 4, 3, torch.float32, 1e4, 0.3 * 3 ** 0.5, 1e-4, 30)
    x = torch.where(x.abs() < 100, torch.full_like(x, 100.0), x)
    yield Case("large inputs settle at once", x, w, 1e-4, 30,
               note="tanh saturates at ±1 after the first step, so these stop at step 2")
    yield Case("empty batch (0, 3)", torch.empty(0, 3), floats(g, (3, 3), scale=0.3), 1e-4, 30)
    x, w = draw(g, 5, 4, torch.float32, 1.5, 0.8, 1e-4, 60)
    yield Case("non-contiguous x (5, 4)", x.t().contiguous().t(), w, 1e-4, 60)


CHECK = Check(reference=reference, cases=cases, grad=True)
