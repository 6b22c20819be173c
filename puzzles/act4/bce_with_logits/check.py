"""act4.bce_with_logits: binary cross-entropy on logits, finite at |z| = 1e4, exact at z = 0.

The reference is PyTorch's own loss computed in float64 and rounded to the input's dtype, so a
float32 answer is measured against the true value. The tolerance follows the canon: rtol 1e-5,
atol 1e-6 · max(1, |z|max), for the value and for the gradients alike.
"""

import torch
import torch.nn.functional as F

from game.engine.checks import Case, Check, floats


def reference(z, y, pos_weight=None):
    dtype, z, y = z.dtype, z.double(), y.double()
    if pos_weight is None:
        return F.binary_cross_entropy_with_logits(z, y).to(dtype)
    # PyTorch's loss has no gradient for pos_weight; the zero-valued term below supplies the
    # true one, d loss / d w = mean(y · softplus(-z)) gathered over the broadcast dimensions.
    pw = pos_weight.double()
    loss = F.binary_cross_entropy_with_logits(z, y, pos_weight=pw.detach())
    loss = loss + ((pw - pw.detach()) * y.detach() * F.softplus(-z.detach())).mean()
    return loss.to(dtype)


def soft(g, shape, dtype=torch.float32):
    return torch.rand(shape, generator=g, dtype=torch.float64).to(dtype)


def weights(g, n, dtype=torch.float32):
    return (0.2 + 4.0 * torch.rand(n, generator=g, dtype=torch.float64)).to(dtype)


def case(name, z, y, pos_weight=None, **kw):
    scale = max(1.0, float(z.abs().max())) if z.numel() else 1.0
    args = (z, y) if pos_weight is None else (z, y, pos_weight)
    return Case(name, *args, rtol=1e-5, atol=1e-6 * scale, **kw)


def cases(g):
    yield case("example: three logits, hard targets", torch.tensor([-2.0, 0.5, 3.0]),
               torch.tensor([0.0, 1.0, 1.0]), example=True)
    yield case("example: (2, 3) with pos_weight (3,)", floats(g, (2, 3), scale=2.0),
               soft(g, (2, 3)), torch.tensor([1.0, 2.0, 0.5]), example=True)
    yield case("logits of ±1e4", torch.tensor([1e4, -1e4, 1e4, -1e4, 50.0, -50.0]),
               torch.tensor([1.0, 0.0, 0.0, 1.0, 0.3, 0.7]),
               note="exp(1e4) is inf and sigmoid(-1e4) is exactly 0 in float32: a log of 0 or "
                    "inf - inf gives inf or NaN; the loss itself is about 1e4 / 3")
    yield case("logits of ±1e4 with pos_weight", torch.tensor([[1e4, -1e4], [-1e4, 1e4]]),
               torch.tensor([[0.5, 0.5], [1.0, 0.0]]), torch.tensor([3.0, 0.25]),
               note="every term must stay finite, and so must its gradient")
    yield case("logits exactly 0", torch.tensor([0.0, 0.0, 0.0, 0.0, 0.4, -0.7]),
               torch.tensor([0.0, 1.0, 0.3, 0.5, 1.0, 0.0]), torch.tensor([2.0]),
               note="at z = 0 the gradient must be (1 + (w-1)·y)·σ(0) - w·y; an operation "
                    "whose gradient at 0 is one-sided (clamp, relu) gives something else")
    yield case("0-d logit and target", torch.tensor(-0.3), torch.tensor(0.8))
    yield case("empty batch (0, 4)", torch.empty(0, 4), torch.empty(0, 4),
               note="the mean of nothing is NaN, as in PyTorch")
    yield case("soft targets (16,)", floats(g, (16,), scale=4.0), soft(g, (16,)))
    yield case("pos_weight as a 0-d tensor", floats(g, (4, 5), scale=3.0), soft(g, (4, 5)),
               torch.tensor(1.7))
    yield case("pos_weight (5,) over (2, 3, 5)", floats(g, (2, 3, 5), scale=6.0),
               soft(g, (2, 3, 5)), weights(g, 5))
    yield case("float64 with pos_weight (4,)", floats(g, (6, 4), torch.float64, scale=8.0),
               soft(g, (6, 4), torch.float64), weights(g, 4, torch.float64))
    yield case("large float32 logits (8, 6)", floats(g, (8, 6), scale=300.0),
               soft(g, (8, 6)), weights(g, 6))
    z = floats(g, (6, 5), scale=3.0).t()
    yield case("non-contiguous (5, 6) views", z, soft(g, (6, 5)).t(), weights(g, 6))


CHECK = Check(reference=reference, cases=cases, grad=True)
