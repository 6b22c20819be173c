"""act2.log_softmax: log-softmax along any dimension, stable at magnitudes of 1e4 and with -inf."""

import torch

from game.engine.checks import Case, Check, floats


def reference(x: torch.Tensor, dim: int = -1) -> torch.Tensor:
    return torch.log_softmax(x, dim)


def cases(g):
    yield Case("example: [1, 2, 3]", torch.tensor([1.0, 2.0, 3.0]), -1, example=True)
    yield Case("example: rows of a (2, 4) float64 batch", floats(g, (2, 4), torch.float64), 1,
               example=True)
    yield Case("one element", torch.tensor([7.5]), 0)
    yield Case("along dim 0 of (3, 5)", floats(g, (3, 5)), 0,
               note="normalise along dim, not always along the last dimension")
    yield Case("negative dim -2 of (2, 3, 4)", floats(g, (2, 3, 4), scale=3.0), -2)
    yield Case("dim 1 of (2, 3, 4) float64", floats(g, (2, 3, 4), torch.float64, 3.0), 1)
    yield Case("non-contiguous: a transposed (6, 4)", floats(g, (4, 6)).t(), 1)
    yield Case("empty batch (0, 5), dim 1", torch.empty(0, 5), 1)
    yield Case("empty middle (3, 0, 4), dim -1", torch.empty(3, 0, 4), -1)
    big = torch.tensor([[1e4, -1e4, 0.0, 9990.0], [-1e4, -9999.0, -1e4, -9998.5]])
    yield Case("magnitudes of 1e4", big, -1,
               note="exp(1e4) is inf in any dtype, and near 1e4 float32 keeps steps of about "
               "0.001: subtract the maximum first, the log of the sum second",
               grad=False)
    yield Case("magnitudes of 1e4, float64", big.double(), 1, grad=False)
    clustered = 1e4 + torch.rand((3, 16), generator=g) * 8 - 4
    yield Case("values clustered around 1e4", clustered, -1,
               note="x - logsumexp(x) subtracts two numbers near 1e4 and keeps only float32's "
               "rounding error (about 5e-4 there); subtract the maximum first, then the log of "
               "the sum", grad=False)
    yield Case("values clustered around -1e4 in a column", -1e4 + floats(g, (12, 2)), 0,
               grad=False)
    rows = torch.cat([-1e4 + floats(g, (2, 6)), 1e4 + floats(g, (2, 6))])
    yield Case("one row near -1e4, another near +1e4", rows, 1,
               note="every slice needs its own maximum: a single maximum for the whole tensor "
               "underflows the other rows to log(0)", grad=False)
    masked = floats(g, (3, 6), torch.float64)
    masked[0, 1] = masked[1, 0] = masked[1, 5] = masked[2, 2] = float("-inf")
    yield Case("-inf entries (masked positions)", masked, -1,
               note="exp(-inf) is 0: a masked entry gives -inf, the others stay finite")
    masked32 = floats(g, (4, 3))
    masked32[0, 0] = masked32[2, 0] = masked32[3, 2] = float("-inf")
    yield Case("-inf entries along dim 0", masked32, 0)
    for shape, dim in [((7,), 0), ((5, 9), -1), ((2, 3, 5), 2)]:
        for dtype in (torch.float32, torch.float64):
            yield Case(f"random {str(dtype)[6:]} {shape}, dim {dim}",
                       floats(g, shape, dtype, 4.0), dim)


CHECK = Check(reference=reference, cases=cases, grad=True)
