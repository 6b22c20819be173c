"""Act II through the real judge: the chapter's shape, and for act2.log_softmax,
act2.cross_entropy, act2.warmup_cosine, act2.batchnorm and act2.demo_day, correct answers
written differently from the Professor's (they must pass) and plausible mistakes that the
puzzle files do not hold (each must get the verdict, the mismatch kind and the words that name
it). The author check already runs every solution, starter and mutant."""

from __future__ import annotations

from dataclasses import dataclass
from textwrap import dedent

import pytest

from game.core.content import load_catalog
from game.core.result import Status
from game.engine.judge import Judge

SEED = 20260301
CANON = ["act2.log_softmax", "act2.cross_entropy", "act2.warmup_cosine", "act2.batchnorm",
         "act2.chunked_attention"]


def test_chapter_loads_after_act1_with_its_puzzles_in_flow():
    catalog = load_catalog()
    assert not [p for p in catalog.problems if "act2" in str(p)]
    chapter, act1 = catalog.chapter("act2"), catalog.chapter("act1")
    assert chapter is not None and act1 is not None
    assert chapter.spec.unlocked_by == ["act1"]
    assert chapter.spec.order > act1.spec.order
    assert [c.id for c in catalog.chapters].index("act2") > \
        [c.id for c in catalog.chapters].index("act1")
    puzzles = chapter.puzzle_ids()
    assert len(puzzles) >= 8
    assert set(CANON) <= set(puzzles)
    assert all(p in catalog.puzzles for p in puzzles)
    flow = chapter.spec.flow
    # Scenes and puzzles alternate; the act opens and closes on a scene.
    assert not flow[0].startswith("act2.") and not flow[-1].startswith("act2.")
    assert all(a.startswith("act2.") != b.startswith("act2.")
               for a, b in zip(flow, flow[1:], strict=False))


@dataclass(frozen=True)
class Wrong:
    source: str
    status: Status
    mismatch: str | None = None
    says: str | None = None


def run(judge: Judge, puzzle: str, source: str, quick: bool = False):
    result = judge.verify(puzzle, dedent(source).strip() + "\n", seed=SEED, quick=quick)
    return result, {t.mismatch for t in result.tests if t.mismatch}


def check_right(judge: Judge, puzzle: str, source: str) -> None:
    result, _ = run(judge, puzzle, source)
    assert result.status is Status.PASS, f"{result.status.value}: {result.message}"


def check_wrong(judge: Judge, puzzle: str, case: Wrong) -> None:
    result, kinds = run(judge, puzzle, case.source)
    assert result.status is case.status, f"{result.status.value}: {result.message}"
    if case.mismatch is not None:
        assert case.mismatch in kinds, f"{kinds}: {result.message}"
    if case.says is not None:
        assert case.says in result.message, result.message


# -- act2.log_softmax --------------------------------------------------------------------------

LOG_SOFTMAX_RIGHT = {
    "max with values, subtracted in two steps": """
        import torch

        def log_softmax(x, dim=-1):
            m = x.max(dim=dim, keepdim=True).values
            return x - m - (x - m).exp().sum(dim=dim, keepdim=True).log()
    """,
    "detached maximum": """
        import torch

        def log_softmax(x, dim=-1):
            shifted = x - x.amax(dim=dim, keepdim=True).detach()
            return shifted - torch.log(torch.sum(torch.exp(shifted), dim=dim, keepdim=True))
    """,
    "move dim to the end and back": """
        import torch

        def log_softmax(x, dim=-1):
            y = x.movedim(dim, -1)
            y = y - y.amax(-1, keepdim=True)
            return (y - y.exp().sum(-1, keepdim=True).log()).movedim(-1, dim)
    """,
}

LOG_SOFTMAX_WRONG = {
    "sum without keepdim": Wrong("""
        import torch

        def log_softmax(x, dim=-1):
            shifted = x - x.amax(dim=dim, keepdim=True)
            return shifted - shifted.exp().sum(dim=dim).log()
    """, Status.RUNTIME_ERROR, None, "size of tensor"),
    "computed in float64, returned in float64": Wrong("""
        import torch

        def log_softmax(x, dim=-1):
            x = x.double()
            shifted = x - x.amax(dim=dim, keepdim=True)
            return shifted - shifted.exp().sum(dim=dim, keepdim=True).log()
    """, Status.WRONG_ANSWER, "dtype", "dtype float64 but expected float32"),
    "probabilities clamped before the log": Wrong("""
        import torch

        def log_softmax(x, dim=-1):
            e = (x - x.amax(dim=dim, keepdim=True)).exp()
            return (e / e.sum(dim=dim, keepdim=True)).clamp_min(1e-30).log()
    """, Status.WRONG_ANSWER, "values", "magnitudes of 1e4"),
    "masked entries hidden as -1e4": Wrong("""
        import torch

        def log_softmax(x, dim=-1):
            shifted = x - x.amax(dim=dim, keepdim=True)
            out = shifted - shifted.exp().sum(dim=dim, keepdim=True).log()
            return out.nan_to_num(neginf=-1e4)
    """, Status.WRONG_ANSWER, "values", "-inf entries"),
    "shift done in place on the input": Wrong("""
        import torch

        def log_softmax(x, dim=-1):
            x -= x.amax(dim=dim, keepdim=True)
            return x - x.exp().sum(dim=dim, keepdim=True).log()
    """, Status.WRONG_ANSWER, "mutated", "changed its input"),
    "log base 2": Wrong("""
        import torch

        def log_softmax(x, dim=-1):
            shifted = x - x.amax(dim=dim, keepdim=True)
            return shifted - shifted.exp().sum(dim=dim, keepdim=True).log2()
    """, Status.WRONG_ANSWER, "values", None),
}


@pytest.mark.parametrize("name", LOG_SOFTMAX_RIGHT)
def test_log_softmax_other_correct_answers_pass(judge, name):
    check_right(judge, "act2.log_softmax", LOG_SOFTMAX_RIGHT[name])


@pytest.mark.parametrize("name", LOG_SOFTMAX_WRONG)
def test_log_softmax_mistakes_are_named(judge, name):
    check_wrong(judge, "act2.log_softmax", LOG_SOFTMAX_WRONG[name])


# -- act2.cross_entropy ------------------------------------------------------------------------

_LOGP = """
        def _logp(logits):
            shifted = logits - logits.amax(dim=1, keepdim=True)
            return shifted - shifted.exp().sum(dim=1, keepdim=True).log()
"""

CROSS_ENTROPY_RIGHT = {
    "one-hot target distribution": """
        import torch
        import torch.nn.functional as F
""" + _LOGP + """
        def cross_entropy(logits, target, ignore_index=-100, label_smoothing=0.0):
            logp = _logp(logits)
            keep = target != ignore_index
            c = logits.shape[1]
            onehot = F.one_hot(torch.where(keep, target, 0), c).to(logits.dtype)
            q = (1 - label_smoothing) * onehot + label_smoothing / c
            per_row = -(q * logp).sum(dim=1)
            return (per_row * keep).sum() / keep.sum()
    """,
    "keep only the rows that count": """
        import torch
""" + _LOGP + """
        def cross_entropy(logits, target, ignore_index=-100, label_smoothing=0.0):
            keep = target != ignore_index
            logp = _logp(logits)[keep]
            t = target[keep]
            nll = -logp[torch.arange(len(t)), t]
            return ((1 - label_smoothing) * nll - label_smoothing * logp.mean(dim=1)).mean()
    """,
    "sum reductions and an explicit count": """
        import torch
""" + _LOGP + """
        def cross_entropy(logits, target, ignore_index=-100, label_smoothing=0.0):
            logp = _logp(logits)
            keep = (target != ignore_index).to(logits.dtype)
            safe = target.clamp(0, logits.shape[1] - 1)
            nll = -logp.gather(1, safe[:, None])[:, 0]
            smooth = -logp.sum(dim=1) / logits.shape[1]
            total = ((1 - label_smoothing) * nll + label_smoothing * smooth) * keep
            return total.sum() / keep.sum()
    """,
}

CROSS_ENTROPY_WRONG = {
    "log-sum-exp minus the target's logit": Wrong("""
        import torch

        def cross_entropy(logits, target, ignore_index=-100, label_smoothing=0.0):
            m = logits.amax(dim=1, keepdim=True)
            lse = m + (logits - m).exp().sum(dim=1, keepdim=True).log()
            logp = logits - lse
            keep = target != ignore_index
            picked = logp.gather(1, torch.where(keep, target, 0)[:, None])[:, 0]
            per_row = -(1 - label_smoothing) * picked - label_smoothing * logp.mean(dim=1)
            return torch.where(keep, per_row, 0.0).sum() / keep.sum()
    """, Status.WRONG_ANSWER, "values", "logits clustered around 1e4"),
    "label smoothing forgotten": Wrong("""
        import torch
""" + _LOGP + """
        def cross_entropy(logits, target, ignore_index=-100, label_smoothing=0.0):
            logp = _logp(logits)
            keep = target != ignore_index
            picked = logp.gather(1, torch.where(keep, target, 0)[:, None])[:, 0]
            return torch.where(keep, -picked, 0.0).sum() / keep.sum()
    """, Status.WRONG_ANSWER, "values", "label smoothing is missing"),
    "ignored rows still smoothed": Wrong("""
        import torch
""" + _LOGP + """
        def cross_entropy(logits, target, ignore_index=-100, label_smoothing=0.0):
            logp = _logp(logits)
            keep = target != ignore_index
            picked = logp.gather(1, torch.where(keep, target, 0)[:, None])[:, 0]
            nll = torch.where(keep, -(1 - label_smoothing) * picked, 0.0)
            return (nll - label_smoothing * logp.mean(dim=1)).sum() / keep.sum()
    """, Status.WRONG_ANSWER, "values", "label-smoothing term was counted"),
    "a Python float": Wrong("""
        import torch
""" + _LOGP + """
        def cross_entropy(logits, target, ignore_index=-100, label_smoothing=0.0):
            logp = _logp(logits)
            keep = target != ignore_index
            picked = logp.gather(1, torch.where(keep, target, 0)[:, None])[:, 0]
            per_row = -(1 - label_smoothing) * picked - label_smoothing * logp.mean(dim=1)
            return (torch.where(keep, per_row, 0.0).sum() / keep.sum()).item()
    """, Status.WRONG_ANSWER, "type", "expected a torch.Tensor"),
    "gather on the raw targets": Wrong("""
        import torch
""" + _LOGP + """
        def cross_entropy(logits, target, ignore_index=-100, label_smoothing=0.0):
            logp = _logp(logits)
            keep = target != ignore_index
            picked = logp.gather(1, target[:, None])[:, 0]
            per_row = -(1 - label_smoothing) * picked - label_smoothing * logp.mean(dim=1)
            return torch.where(keep, per_row, 0.0).sum() / keep.sum()
    """, Status.RUNTIME_ERROR, None, "out of bounds"),
}


@pytest.mark.parametrize("name", CROSS_ENTROPY_RIGHT)
def test_cross_entropy_other_correct_answers_pass(judge, name):
    check_right(judge, "act2.cross_entropy", CROSS_ENTROPY_RIGHT[name])


@pytest.mark.parametrize("name", CROSS_ENTROPY_WRONG)
def test_cross_entropy_mistakes_are_named(judge, name):
    check_wrong(judge, "act2.cross_entropy", CROSS_ENTROPY_WRONG[name])
