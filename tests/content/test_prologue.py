"""The Prologue's puzzles and scenes: other correct answers pass, plausible wrong ones fail with
the right verdict and a helpful message, and the chapter loads in story order."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:  # the package is not installed in every environment
    sys.path.insert(0, str(REPO_ROOT))

from game.core.content import load_catalog  # noqa: E402
from game.core.result import Status  # noqa: E402
from game.engine.judge import Judge  # noqa: E402

PUZZLES = ["prologue.best_device", "prologue.first_tensors", "prologue.half_precision",
           "prologue.exact_integers"]
SEED = 20240601


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


@pytest.fixture(scope="module")
def judge(catalog):
    with Judge(catalog, device="auto") as j:
        yield j


def verdict(judge, puzzle_id: str, source: str):
    return judge.verify(puzzle_id, textwrap.dedent(source), seed=SEED)


def mismatches(result) -> set[str]:
    return {t.mismatch for t in result.tests if t.mismatch}


# -- the chapter ---------------------------------------------------------------------------------

def test_chapter_loads_in_story_order(catalog):
    ours = [p for p in catalog.problems if "prologue" in str(p.path)]
    assert ours == []
    chapter = catalog.chapter("prologue")
    assert chapter is not None and chapter.spec.order == 0
    assert chapter.puzzle_ids() == PUZZLES
    kinds = [item.kind for item in chapter.items]
    assert kinds[0] == "scene" and kinds[-1] == "scene"
    scenes = [catalog.scenes[i.id] for i in chapter.items if i.kind == "scene"]
    assert len(scenes) >= 3
    for scene in scenes:
        for page in scene.pages:
            assert len(page.split()) < 250, f"{scene.id}: a page is {len(page.split())} words"


def test_the_controls_are_taught(catalog):
    text = "\n".join("\n".join(s.pages) for s in catalog.scenes.values()
                     if s.chapter == "prologue")
    for needle in ("F5", "F6", "F1", "F2", "Ctrl+E", "$EDITOR", "python -m game verify",
                   "**BACKPROP:**", "**TORCHENSTEIN:**", "**YOU:**"):
        assert needle in text, needle


# -- prologue.best_device -------------------------------------------------------------------------

BEST_DEVICE_PASS = {
    "one expression": """
        import torch

        def best_device():
            return torch.device("cuda" if torch.cuda.is_available()
                                else "mps" if torch.backends.mps.is_available() else "cpu")
    """,
    "accelerator API": """
        import torch

        def best_device():
            acc = torch.accelerator.current_accelerator()
            return acc if acc is not None else torch.device("cpu")
    """,
    "loop with index 0 and a tensor's device": """
        import torch

        def best_device():
            for name, ask in (("cuda:0", torch.cuda.is_available),
                              ("mps", torch.backends.mps.is_available)):
                if ask():
                    return torch.device(name)
            return torch.zeros(1).device
    """,
}


@pytest.mark.parametrize("name", list(BEST_DEVICE_PASS))
def test_best_device_other_correct_answers(judge, name):
    res = verdict(judge, "prologue.best_device", BEST_DEVICE_PASS[name])
    assert res.status is Status.PASS, res.message


@pytest.mark.parametrize(("source", "status", "kind", "words"), [
    ("""
        import torch

        def best_device():
            return torch.zeros(1).device.type
    """, Status.WRONG_ANSWER, "type", "torch.device("),
    ("""
        import torch

        def best_device():
            return torch.zeros(1)
    """, Status.WRONG_ANSWER, "type", ".device"),
    ("""
        import torch

        def best_device():
            return torch.device("gpu")
    """, Status.RUNTIME_ERROR, None, "gpu"),
    ("""
        import torch

        def best_device(prefer):
            return torch.device(prefer)
    """, Status.RUNTIME_ERROR, None, "best_device() -> torch.device"),
])
def test_best_device_wrong_everywhere(judge, source, status, kind, words):
    res = verdict(judge, "prologue.best_device", source)
    assert res.status is status, res.message
    if kind:
        assert kind in mismatches(res)
    assert words in res.message


def test_best_device_missing_parentheses(judge):
    # `torch.cuda.is_available` (no call) is always truthy: right only where CUDA exists.
    res = verdict(judge, "prologue.best_device", """
        import torch

        def best_device():
            if torch.cuda.is_available:
                return torch.device("cuda")
            return torch.device("cpu")
    """)
    # Wrong on every machine: the imagined machines include one without CUDA.
    assert res.status is Status.WRONG_ANSWER
    assert "torch.cuda.is_available()" in res.message


def test_best_device_hard_coded_cpu_fails_even_on_a_cpu_machine(judge):
    res = verdict(judge, "prologue.best_device", """
        import torch

        def best_device():
            return torch.device("cpu")
    """)
    assert res.status is Status.WRONG_ANSWER and "comes first" in res.message
    assert "imagined" in res.message


@pytest.mark.parametrize("source", [
    """
        from torch.cuda import is_available as has_cuda
        from torch.backends.mps import is_available as has_mps
        import torch

        def best_device():
            return torch.device("cuda" if has_cuda() else "mps" if has_mps() else "cpu")
    """,
    """
        import torch

        def best_device():
            if torch.cuda.device_count() > 0:
                return torch.device("cuda:0")
            if torch.backends.mps.is_available():
                return torch.device("mps")
            return torch.device("cpu")
    """,
    """
        import torch

        def best_device():
            acc = torch.accelerator.current_accelerator()
            return acc if acc is not None and acc.type in ("cuda", "mps") else torch.device("cpu")
    """,
])
def test_best_device_other_ways_of_asking_pass_on_every_imagined_machine(judge, source):
    res = verdict(judge, "prologue.best_device", source)
    assert res.status is Status.PASS, res.message
    assert len(res.tests) == 9


def test_best_device_computed_once_at_import_is_computed_on_each_imagined_machine(judge):
    res = verdict(judge, "prologue.best_device", """
        import torch

        DEVICE = torch.device("cuda" if torch.cuda.is_available() else
                              "mps" if torch.backends.mps.is_available() else "cpu")

        def best_device():
            return DEVICE
    """)
    assert res.status is Status.PASS, res.message


@pytest.mark.parametrize(("source", "words"), [
    ("""
        import torch

        def best_device():  # a CUDA build is not a GPU
            return torch.device("cuda" if torch.backends.cuda.is_built() else "cpu")
    """, "has no CUDA"),
    ("""
        import torch

        ANSWERS = iter(["cpu", "cuda", "cuda", "mps", "mps", "cuda", "cuda", "cpu", "cpu"])

        def best_device():  # a script, not a question
            return torch.device(next(ANSWERS))
    """, "imagined"),
])
def test_best_device_answers_that_do_not_ask_fail(judge, source, words):
    res = verdict(judge, "prologue.best_device", source)
    assert res.status is Status.WRONG_ANSWER and words in res.message


# -- prologue.first_tensors -----------------------------------------------------------------------

FIRST_TENSORS_PASS = {
    "full and diag": """
        import torch

        def make_lab_tensors(n):
            return (torch.zeros((n,), dtype=torch.long), torch.diag(torch.ones(n)),
                    torch.full((2, n), True))
    """,
    "fill_diagonal_ and .bool()": """
        import torch

        def make_lab_tensors(n):
            counts = torch.tensor([0] * n, dtype=torch.int64)
            eye = torch.zeros(n, n)
            eye.fill_diagonal_(1.0)
            return tuple([counts, eye, torch.ones(2, n).bool()])
    """,
    "built from comparisons": """
        import torch

        def make_lab_tensors(n):
            r = torch.arange(n)
            return r * 0, (r[:, None] == r[None, :]).float(), torch.ones(2, n) == 1
    """,
}


@pytest.mark.parametrize("name", list(FIRST_TENSORS_PASS))
def test_first_tensors_other_correct_answers(judge, name):
    res = verdict(judge, "prologue.first_tensors", FIRST_TENSORS_PASS[name])
    assert res.status is Status.PASS, res.message


@pytest.mark.parametrize(("source", "kind", "words"), [
    ("""
        import torch

        def make_lab_tensors(n):
            return (torch.tensor([0] * n), torch.eye(n),
                    torch.ones(2, n, dtype=torch.bool))
    """, "dtype", "torch.tensor([])"),
    ("""
        import torch

        def make_lab_tensors(n):
            return (torch.zeros(n, dtype=torch.int32), torch.eye(n),
                    torch.ones(2, n, dtype=torch.bool))
    """, "dtype", "int32"),
    ("""
        import torch

        def make_lab_tensors(n):
            return (torch.zeros(n, dtype=torch.int64), torch.eye(n, dtype=torch.float64),
                    torch.ones(2, n, dtype=torch.bool))
    """, "dtype", "float64"),
    ("""
        import torch

        def make_lab_tensors(n):
            return torch.zeros(n, dtype=torch.int64), torch.eye(n)
    """, "shape", "expected 3 items"),
])
def test_first_tensors_wrong_answers(judge, source, kind, words):
    res = verdict(judge, "prologue.first_tensors", source)
    assert res.status is Status.WRONG_ANSWER, res.message
    assert kind in mismatches(res)
    assert words in res.message


# -- prologue.half_precision ----------------------------------------------------------------------

HALF_PASS = {
    "method shorthands": """
        def round_trip(x):
            return x.half().float(), x.bfloat16().float()
    """,
    "loop over dtypes, back to x.dtype": """
        import torch

        def round_trip(x):
            return tuple(x.to(dtype=d).to(x.dtype) for d in (torch.float16, torch.bfloat16))
    """,
    "through float64 and copy_": """
        import torch

        def round_trip(x):
            d = x.double()
            h = torch.empty_like(x, dtype=torch.float16)
            h.copy_(d)
            return h.type(torch.float32), d.type(torch.bfloat16).to(torch.float32)
    """,
}


@pytest.mark.parametrize("name", list(HALF_PASS))
def test_half_precision_other_correct_answers(judge, name):
    res = verdict(judge, "prologue.half_precision", HALF_PASS[name])
    assert res.status is Status.PASS, res.message


@pytest.mark.parametrize(("source", "kind", "words"), [
    ("""
        import torch

        def round_trip(x):
            return torch.nan_to_num(x.half().float()), x.bfloat16().float()
    """, "values", "expected inf"),
    ("""
        def round_trip(x):
            return x.half().double(), x.bfloat16().double()
    """, "dtype", "float64"),
    ("""
        def round_trip(x):
            return [x.half().float(), x.bfloat16().float()]
    """, "type", "tuple"),
    ("""
        import torch

        def round_trip(x):
            # rounds toward zero by chopping mantissa bits: not what PyTorch does
            h = (x.view(torch.int32) & ~((1 << 13) - 1)).view(torch.float32)
            b = (x.view(torch.int32) & ~((1 << 16) - 1)).view(torch.float32)
            return h, b
    """, "values", "70000"),
])
def test_half_precision_wrong_answers(judge, source, kind, words):
    res = verdict(judge, "prologue.half_precision", source)
    assert res.status is Status.WRONG_ANSWER, res.message
    assert kind in mismatches(res)
    assert words in res.message


# -- prologue.exact_integers ----------------------------------------------------------------------

EXACT_PASS = {
    "doubling experiment": """
        import torch

        def largest_exact_integer(dtype):
            n = 1
            while torch.tensor(n + 1, dtype=torch.float64).to(dtype).item() == n + 1:
                n *= 2
            return n
    """,
    "log2 of eps": """
        import math

        import torch

        def largest_exact_integer(dtype):
            return 1 << (1 - round(math.log2(torch.finfo(dtype).eps)))
    """,
    "vectorised over powers of two": """
        import torch

        def largest_exact_integer(dtype):
            ks = torch.arange(1, 60)
            cand = 2 ** ks + 1
            back = cand.to(torch.float64).to(dtype).to(torch.float64)
            exact = torch.isfinite(back) & (back.to(torch.int64) == cand)
            return 2 ** int(ks[~exact][0])
    """,
}


@pytest.mark.parametrize("name", list(EXACT_PASS))
def test_exact_integers_other_correct_answers(judge, name):
    res = verdict(judge, "prologue.exact_integers", EXACT_PASS[name])
    assert res.status is Status.PASS, res.message


@pytest.mark.parametrize(("source", "status", "words"), [
    ("""
        import torch

        def largest_exact_integer(dtype):
            return 2 ** (torch.finfo(dtype).bits // 2)
    """, Status.WRONG_ANSWER, "expected 2048, got 256"),
    ("""
        import torch

        def largest_exact_integer(dtype):
            return int(torch.finfo(dtype).max)
    """, Status.WRONG_ANSWER, "largest finite value"),
    ("""
        import torch

        def largest_exact_integer(dtype):
            n = 1
            while torch.tensor(float(2 * n), dtype=dtype).item() == 2 * n:
                n *= 2
            return n
    """, Status.RUNTIME_ERROR, "OverflowError"),
    ("""
        import torch

        def largest_exact_integer(dtype):
            return (2 / torch.tensor(torch.finfo(dtype).eps)).long()
    """, Status.WRONG_ANSWER, "Python int"),
])
def test_exact_integers_wrong_answers(judge, source, status, words):
    res = verdict(judge, "prologue.exact_integers", source)
    assert res.status is status, res.message
    assert words in res.message
