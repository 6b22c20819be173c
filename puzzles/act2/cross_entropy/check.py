"""act2.cross_entropy: the mean cross-entropy over the rows that are not ignored, with label
smoothing, stable for logits near 1e4. Wrong values are matched against the usual mistakes, so
the message can name the one that was made."""

import torch
import torch.nn.functional as F

from game.engine.checks import Case, Check, floats
from game.engine.checks.act2 import named_mistake


def reference(logits, target, ignore_index=-100, label_smoothing=0.0):
    return F.cross_entropy(logits, target, ignore_index=ignore_index,
                           label_smoothing=label_smoothing)


def _targets(g, n, c, ignore_index=-100, p_ignore=0.0):
    target = torch.randint(0, c, (n,), generator=g)
    drop = torch.rand(n, generator=g) < p_ignore
    return torch.where(drop, ignore_index, target)


def cases(g):
    yield Case("example: three rows, four classes",
               torch.tensor([[2.0, 1.0, 0.1, -1.0], [0.5, 2.5, 0.0, 0.0],
                             [0.0, 0.0, 0.0, 3.0]]), torch.tensor([0, 1, 3]), example=True)
    logits = floats(g, (6, 5), torch.float64, 2.0)
    yield Case("example: row 3 ignored (float64)", logits,
               torch.tensor([4, 0, 2, -100, 1, 1]), example=True,
               note="the mean runs over the rows that are not ignored")
    n = 9
    yield Case("ignore_index 255, a third ignored", floats(g, (n, 7), scale=3.0),
               _targets(g, n, 7, 255, 0.35), 255)
    yield Case("ignore_index -1", floats(g, (8, 3), torch.float64),
               torch.tensor([-1, 0, 2, -1, 1, 1, -1, 2]), -1)
    yield Case("label smoothing 0.1", floats(g, (10, 6), torch.float64, 2.0),
               _targets(g, 10, 6), -100, 0.1,
               note="smoothing spreads ε over all C classes, the target's own included")
    yield Case("label smoothing 0.25 with ignored rows", floats(g, (12, 4), scale=2.0),
               _targets(g, 12, 4, -100, 0.3), -100, 0.25,
               note="ignored rows contribute nothing, not even their smoothing term")
    yield Case("label smoothing 1.0 (uniform target)", floats(g, (5, 8), torch.float64),
               _targets(g, 5, 8), -100, 1.0)
    yield Case("non-contiguous logits (a transposed (4, 11))", floats(g, (4, 11)).t(),
               _targets(g, 11, 4, -100, 0.2))
    big = torch.tensor([[1e4, -1e4, 0.0], [-1e4, 1e4, 9999.0], [0.0, 0.0, -1e4]])
    yield Case("logits of ±1e4", big, torch.tensor([0, 2, 2]), grad=False,
               note="exp(1e4) is inf: shift each row by its maximum")
    clustered = 1e4 + torch.rand((16, 10), generator=g) * 6 - 3
    yield Case("logits clustered around 1e4", clustered, _targets(g, 16, 10, -100, 0.2),
               -100, 0.1, grad=False)
    yield Case("every row ignored", floats(g, (3, 4)), torch.full((3,), -100), grad=False,
               note="no row left to average: 0 / 0 is nan, as in PyTorch")
    yield Case("no rows at all", torch.empty(0, 5, dtype=torch.float64),
               torch.empty(0, dtype=torch.int64), grad=False,
               note="an empty mean is nan, as in PyTorch")
    yield Case("one row, one class", torch.tensor([[3.5]]), torch.tensor([0]))
    for (n, c), dtype in [((32, 10), torch.float32), ((17, 3), torch.float64)]:
        yield Case(f"random {str(dtype)[6:]} ({n}, {c}), some ignored",
                   floats(g, (n, c), dtype, 3.0), _targets(g, n, c, -100, 0.2), -100, 0.05)


def _arguments(args):
    logits, target = args[0], args[1]
    ignore_index = args[2] if len(args) > 2 else -100
    smoothing = args[3] if len(args) > 3 else 0.0
    return logits, target, ignore_index, smoothing


def mistakes(args) -> dict[str, torch.Tensor]:
    """What the usual wrong answers return for these arguments."""
    logits, target, ignore_index, eps = _arguments(args)
    n, c = logits.shape
    logp = torch.log_softmax(logits.detach(), dim=1)
    keep = target != ignore_index
    picked = logp.gather(1, torch.where(keep, target, 0).unsqueeze(1)).squeeze(1)
    right = -(1 - eps) * picked - eps * logp.mean(dim=1)
    kept = keep.sum()
    out: dict[str, torch.Tensor] = {}
    if n and not bool(keep.all()):
        row = int((~keep).nonzero()[0])
        out[f"row {row} is ignored but you averaged over it: divide by the number of rows "
            "that are not ignored"] = torch.where(keep, right, 0.0).sum() / n
        out[f"row {row} is ignored, yet its label-smoothing term was counted"] = (
            torch.where(keep, -(1 - eps) * picked, 0.0) - eps * logp.mean(dim=1)).sum() / kept
    if eps and c > 1:
        others = (logp.sum(dim=1) - picked) / (c - 1)
        spread = -(1 - eps) * picked - eps * others
        out["you spread ε over the other C - 1 classes; PyTorch's label smoothing spreads "
            "it over all C, the target included"] = torch.where(keep, spread, 0.0).sum() / kept
        out["label smoothing is missing: with ε > 0 each row's loss is "
            "(1 - ε) · (-log p_target) + ε · mean over classes of (-log p)"] = \
            torch.where(keep, -picked, 0.0).sum() / kept
    out["you summed the rows' losses; the loss is their mean"] = \
        torch.where(keep, right, 0.0).sum()
    return out


def evaluate(case, expected, got, ctx):
    return named_mistake(expected, got, mistakes(case.args))


CHECK = Check(reference=reference, cases=cases, grad=True, evaluate=evaluate)
