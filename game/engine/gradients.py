"""Input gradients for an upstream gradient: the vector-Jacobian product, computed the same way
by the judge (for the reference) and by the child (for the submission).

`torch.autograd.grad(outs, inputs, upstream)` imports torch's symbolic-shapes machinery (sympy
and all, about half a second) the first time it is given explicit gradients. For real outputs the
same product is the gradient of `sum((out * up).sum())` with no explicit gradient: the sum's
backward hands each output exactly `1.0 * up`, so the result is the same, bit for bit, without
that import.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch


def vjp(outs: Sequence[torch.Tensor], inputs: Sequence[torch.Tensor],
        ups: Sequence[torch.Tensor]) -> tuple[torch.Tensor | None, ...]:
    """d(sum of <out, up>)/d(inputs); None for an input the outputs do not depend on. Each
    `up` has its `out`'s shape."""
    if all(o.dtype.is_floating_point and u.dtype.is_floating_point
           for o, u in zip(outs, ups, strict=True)):
        total = sum((o * u).sum() for o, u in zip(outs, ups, strict=True))
        assert isinstance(total, torch.Tensor)
        return torch.autograd.grad([total], list(inputs), allow_unused=True)
    return torch.autograd.grad(list(outs), list(inputs), list(ups), allow_unused=True)
