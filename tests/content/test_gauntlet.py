"""Hammer's Qualifying Exam (`gauntlet`): the references, the rules and the verdicts.

The judge must accept correct one-liners written in other ways than the Professor's, reject
plausible wrong ones with the right mismatch, and call every way round the rules a
`constraint_violation` that names the rule and the line.
"""

from __future__ import annotations

import inspect

import pytest
import torch

from game.core.content import load_catalog
from game.core.exam import exam_rules
from game.core.result import Status
from game.engine import rules as static_rules
from game.engine.checks import tensor_exam as exam
from game.engine.judge import Judge

SEED = 20240611

DEFS = {
    "ones": "def ones(i: int):", "sum": "def sum(a):", "outer": "def outer(a, b):",
    "diag": "def diag(a):", "eye": "def eye(j: int):", "triu": "def triu(j: int):",
    "cumsum": "def cumsum(a):", "diff": "def diff(a, i: int):", "vstack": "def vstack(a, b):",
    "roll": "def roll(a, i: int):", "flip": "def flip(a, i: int):",
    "compress": "def compress(g, v, i: int):", "pad_to": "def pad_to(a, i: int, j: int):",
    "sequence_mask": "def sequence_mask(values, length):",
    "bincount": "def bincount(a, j: int):", "scatter_add": "def scatter_add(values, link, j: int):",
    "flatten": "def flatten(a, i: int, j: int):", "linspace": "def linspace(i, j, n: int):",
    "heaviside": "def heaviside(a, b):", "repeat": "def repeat(a, d):",
    "bucketize": "def bucketize(v, boundaries):",
}


def one_liner(entry: str, expr: str) -> str:
    return f"{DEFS[entry]}\n    return {expr}\n"


@pytest.fixture(scope="module")
def judge():
    with Judge() as j:
        yield j


# -- the exam's own parts (no judge) ---------------------------------------------------------


def test_order_matches_the_chapter_flow():
    catalog = load_catalog()
    chapter = catalog.chapter("gauntlet")
    assert chapter is not None
    assert chapter.puzzle_ids() == [f"gauntlet.{e}" for e in exam.EXAM_ORDER]
    assert chapter.spec.side_quest and chapter.spec.order == 2
    assert chapter.spec.unlocked_by == ["act1.gelu"]
    assert list(DEFS) == list(exam.EXAM_ORDER)
    for entry in exam.EXAM_ORDER:
        assert catalog.puzzle(f"gauntlet.{entry}").spec.entry == entry


def test_injected_names_are_the_helpers_and_every_earlier_answer():
    assert exam.injected("ones") == ["arange", "where"]
    assert exam.injected("sum") == ["arange", "where", "ones"]
    last = exam.injected("bucketize")
    assert last == ["arange", "where", *exam.EXAM_ORDER[:-1]]
    assert all(callable(getattr(exam, name)) for name in last)


@pytest.mark.parametrize("entry", exam.EXAM_ORDER)
def test_every_reference_obeys_the_exam_rules(entry):
    source = inspect.getsource(getattr(exam, entry))
    rules = {**exam_rules(), "allowed_names": exam.injected(entry)}
    findings, _ = static_rules.check_source(source, entry, rules)
    assert findings == []


def _same(got, want):
    assert type(got) is torch.Tensor
    assert got.shape == want.shape and got.dtype == want.dtype, (got, want)
    assert torch.equal(got, want), (got, want)


def test_references_agree_with_pytorch():
    g = torch.Generator().manual_seed(SEED)

    def ints(*shape, low=-5, high=5):
        return torch.randint(low, high + 1, shape, generator=g)

    long = torch.int64
    for i in range(1, 10):
        _same(exam.ones(i), torch.ones(i, dtype=long))
        _same(exam.eye(i), torch.eye(i, dtype=long))
        _same(exam.triu(i), torch.ones(i, i, dtype=long).triu())
        a, b = ints(i), ints(i)
        _same(exam.sum(a), a.sum(0, keepdim=True))
        square = ints(i, i)
        _same(exam.diag(square), square.diagonal().clone())
        _same(exam.cumsum(a), a.cumsum(0))
        _same(exam.diff(a, i), torch.diff(a, prepend=a.new_zeros(1)))
        _same(exam.vstack(a, b), torch.vstack((a, b)))
        _same(exam.roll(a, i), torch.roll(a, -1))
        _same(exam.flip(a, i), torch.flip(a, (0,)))
        _same(exam.heaviside(a, b), torch.heaviside(a, b))
        mask = torch.rand(i, generator=g) < 0.5
        packed = torch.zeros(i, dtype=long)
        packed[: int(mask.sum())] = a[mask]
        _same(exam.compress(mask, a, i), packed)
        for j in range(1, 10):
            row = ints(j)
            _same(exam.outer(a, row), torch.outer(a, row))
            grid = ints(i, j)
            _same(exam.flatten(grid, i, j), grid.flatten())
            _same(exam.pad_to(a, i, j), torch.nn.functional.pad(a, (0, j - i)))
            length = ints(i, low=0, high=j)
            _same(exam.sequence_mask(grid, length),
                  torch.where(torch.arange(j) < length[:, None], grid, 0))
            link = ints(i, low=0, high=j - 1)
            _same(exam.bincount(link, j), torch.bincount(link, minlength=j))
            _same(exam.scatter_add(a, link, j),
                  torch.zeros(j, dtype=long).scatter_add(0, link, a))
            bounds = ints(j).sort().values
            _same(exam.bucketize(a, bounds), torch.bucketize(a, bounds, right=True))
            _same(exam.repeat(a, torch.tensor([j])), a.repeat(j, 1))
    for n in range(1, 20):
        lo, hi = torch.rand(1, generator=g) * 10 - 5, torch.rand(1, generator=g) * 10 - 5
        got = exam.linspace(lo, hi, n)
        assert got.dtype == torch.float32 and got.shape == (n,)
        torch.testing.assert_close(got, torch.linspace(float(lo), float(hi), n))


def test_helpers():
    _same(exam.arange(4), torch.tensor([0, 1, 2, 3]))
    q = torch.tensor([True, False])
    _same(exam.where(q, torch.tensor([1, 2]), 0), torch.tensor([1, 0]))


# -- correct answers written differently must pass -------------------------------------------

ALTERNATIVES = [
    ("ones", "arange(i) ** 0"),
    ("ones", "where(arange(i) < 0, 0, 1)"),
    ("ones", "(arange(i) >= 0) * 1"),
    ("sum", "a @ ones(len(a))[:, None]"),
    ("sum", "a[None] @ ones(a.shape[0])"),
    ("outer", "a[:, None] @ b[None]"),
    ("outer", "b * a[:, None]"),
    ("diag", "a[arange(a.shape[0]), arange(a.shape[1])]"),
    ("eye", "1 * (arange(j)[:, None] == arange(j))"),
    ("eye", "0 + (arange(j) == arange(j)[:, None])"),
    ("triu", "where(arange(j)[:, None] > arange(j), 0, 1)"),
    ("cumsum", "ones(len(a)) @ (a[:, None] * triu(len(a)))"),
    ("diff", "where(arange(i) == 0, a, a - a[arange(i) - 1])"),
    ("vstack", "outer(1 - arange(2), a) + outer(arange(2), b)"),
    ("roll", "a[arange(i) + 1 - i * (arange(i) == i - 1)]"),
    ("flip", "a[-1 - arange(i)]"),
    ("flip", "a @ where(arange(i)[:, None] + arange(i) == i - 1, 1, 0)"),
    ("compress", "v @ (g[:, None] * eye(i)[cumsum(1 * g) - 1])"),
    ("compress", "v * g @ where(cumsum(1 * g)[:, None] == arange(i) + 1, 1, 0)"),
    ("pad_to", "a @ eye(max(i, j))[:i, :j]"),
    ("pad_to", "where(arange(j) < i, a[arange(j) % i], 0)"),
    ("sequence_mask", "values * (arange(len(values[0])) < length[:, None])"),
    ("bincount", "ones(len(a)) @ where(a[:, None] == arange(j), 1, 0)"),
    ("scatter_add", "ones(len(values)) @ (values[:, None] * eye(j)[link])"),
    ("flatten", "a[arange(i * j) // a.shape[1], arange(i * j) % a.shape[1]]"),
    ("linspace", "i + (j - i) * (arange(n) / max(1, n - 1))"),
    ("linspace", "(j - i) / max(1, n - 1) * arange(n) + i"),
    # `2 / t` reaches the tracer as `__rdiv__`: it is arithmetic, so the exam allows it.
    ("linspace", "i + (j - i) / (max(1, n - 1) / arange(n))"),
    ("heaviside", "where(a == 0, b, a > 0)"),
    ("heaviside", "(a > 0) + (a == 0) * b"),
    ("repeat", "a[None][0 * arange(d[0])]"),
    ("repeat", "a + 0 * arange(int(d[0]))[:, None]"),
    ("bucketize", "ones(len(boundaries)) @ where(boundaries[:, None] <= v, 1, 0)"),
]


@pytest.mark.parametrize(("entry", "expr"), ALTERNATIVES)
def test_other_correct_one_liners_pass(judge, entry, expr):
    result = judge.verify(f"gauntlet.{entry}", one_liner(entry, expr), seed=SEED)
    assert result.status is Status.PASS, result.message


# -- plausible wrong answers are wrong answers, for the right reason -------------------------

WRONG = [
    ("ones", "arange(i) * 0 + 1.0", "dtype"),
    ("ones", "1 + 0 * arange(i)[:, None]", "shape"),
    ("sum", "ones(len(a)) @ a", "shape"),
    ("sum", "ones(len(a))[None] @ a[:, None]", "shape"),
    ("outer", "a[:, None] + b", "values"),
    ("eye", "arange(j)[:, None] == arange(j)", "dtype"),
    ("eye", "where(arange(j)[:, None] == arange(j), 1.0, 0.0)", "dtype"),
    ("triu", "where(arange(j)[:, None] >= arange(j), 1, 0)", "values"),
    ("cumsum", "a[None] @ triu(len(a))", "shape"),
    ("diff", "a - a[arange(i) - 1]", "values"),
    ("roll", "a[arange(i) - 1]", "values"),
    ("flip", "a[-arange(i)]", "values"),
    ("compress", "v @ eye(i)[cumsum(1 * g) - 1]", "values"),
    ("pad_to", "a[arange(j) % i]", "values"),
    ("sequence_mask", "where(arange(values.shape[1]) <= length[:, None], values, 0)", "values"),
    ("bincount", "eye(j)[a] @ ones(j)", "shape"),
    ("scatter_add", "ones(len(link)) @ eye(j)[link]", "values"),
    ("flatten", "a[arange(i * j) % i, arange(i * j) // i]", "values"),
    ("linspace", "i + (j - i) * arange(n) / max(1, n)", "values"),
    ("linspace", "i + (j - i) * arange(n) / (n - 1)", "nan"),
    ("heaviside", "a > 0", "dtype"),
    ("repeat", "a[None]", "shape"),
    ("bucketize", "where(boundaries[None] < v[:, None], 1, 0) @ ones(len(boundaries))", "values"),
]


@pytest.mark.parametrize(("entry", "expr", "kind"), WRONG)
def test_plausible_wrong_answers_fail(judge, entry, expr, kind):
    result = judge.verify(f"gauntlet.{entry}", one_liner(entry, expr), seed=SEED)
    assert result.status is Status.WRONG_ANSWER, result.message
    assert kind in {t.mismatch for t in result.tests if t.mismatch}


def test_an_error_is_not_a_wrong_answer(judge):
    result = judge.verify("gauntlet.flip", one_liner("flip", "a[::-1]"), seed=SEED)
    assert result.status is Status.RUNTIME_ERROR
    assert "step must be greater than zero" in result.message


# -- every way round the rules is a constraint violation naming the rule and the line ---------

RULE_BREAKERS = {
    "method call": ("sum", one_liner("sum", "a.sum(0, keepdim=True)"), "allowed_only", 2),
    "method with a tip": ("flatten", one_liner("flatten", "a.view(i * j)"), "allowed_only", 2),
    "cast": ("eye", one_liner("eye", "(arange(j)[:, None] == arange(j)).long()"),
             "allowed_only", 2),
    "torch function": ("ones", one_liner("ones", "torch.ones(i, dtype=torch.int64)"),
                       "allowed_only", 2),
    "getattr alias": ("cumsum", one_liner("cumsum", 'getattr(a, "cumsum")(0)'),
                      "escape_hatch", 2),
    "eval alias": ("diff", one_liner("diff", 'eval("a - a[arange(i) - 1]")'),
                   "escape_hatch", 2),
    "__import__": ("heaviside", one_liner("heaviside", '__import__("torch").heaviside(a, b)'),
                   "escape_hatch", 2),
    "for loop": ("roll", "def roll(a, i: int):\n    for k in arange(1):\n"
                 "        return a[(arange(i) + 1) % i]\n", "loop", 2),
    "while loop": ("flip", "def flip(a, i: int):\n    while True:\n        return a\n", "loop", 2),
    "list comprehension": ("diag", one_liner("diag", "[a[k, k] for k in arange(len(a))]"),
                           "loop", 2),
    "generator in a call": ("sum", one_liner("sum", "ones(1) * max(x for x in a)"), "loop", 2),
    "map": ("ones", one_liner("ones", "arange(i) * 0 + max(map(abs, [1]))"), "loop", 2),
    "lambda": ("outer", one_liner("outer", "(lambda c: c[:, None])(a) * b"),
               "allowed_only", 2),
    "recursion": ("sum", one_liner("sum", "a[:1] + sum(a[1:])"), "allowed_only", 2),
    "conditional expression": ("linspace", one_liner(
        "linspace", "i + (j - i) * arange(n) / (n - 1 if n > 1 else 1)"), "allowed_only", 2),
    "walrus": ("pad_to", one_liner(
        "pad_to", "a @ where((r := arange(i))[:, None] == arange(j), 1, 0)"), "allowed_only", 2),
    "string literal": ("ones", one_liner("ones", 'arange(i) * 0 + int("1")'), "allowed_only", 2),
    "two statements": ("compress", "def compress(g, v, i: int):\n    slot = cumsum(1 * g) - 1\n"
                       "    return v * g @ eye(i)[slot]\n", "one_line", 3),
    "semicolon": ("eye", "def eye(j: int):\n    r = arange(j); return where(r[:, None] == r, 1, 0)"
                  "\n", "one_line", 2),
    "backslash": ("triu", "def triu(j: int):\n    return where(arange(j)[:, None] <= arange(j), \\"
                  "\n                 1, 0)\n", "one_line", 2),
    "80 columns": ("flip", one_liner(
        "flip", "a[len(a) - 1 - arange(len(a))] + 0 * arange(i) + 0 * arange(i) + 0 * ones(i)"),
        "one_line", 2),
    "import torch": ("vstack", "import torch\n\n\ndef vstack(a, b):\n"
                     "    return torch.vstack((a, b))\n", "one_line", 1),
    # The body's second statement is the one reported.
    "import inside": ("ones", "def ones(i: int):\n    import torch\n    return torch.ones(i)\n",
                      "one_line", 3),
    "helper function": ("ones", "def helper(i):\n    return arange(i)\n\n\n"
                        "def ones(i: int):\n    return helper(i) * 0 + 1\n", "one_line", 1),
    "default argument": ("ones", "def ones(i: int, k=1):\n    return arange(i) * 0 + k\n",
                         "one_line", 1),
}


@pytest.mark.parametrize("name", list(RULE_BREAKERS))
def test_rule_breakers_are_constraint_violations(judge, name):
    entry, source, rule, line = RULE_BREAKERS[name]
    result = judge.verify(f"gauntlet.{entry}", source, quick=True, seed=SEED)
    assert result.status is Status.CONSTRAINT_VIOLATION, (name, result.status, result.message)
    failed = [c for c in result.constraints if c.status == "fail"]
    assert any(c.rule == rule and c.line == line and c.message for c in failed), failed
    assert not any(t.status == "pass" for t in result.tests), "nothing may run after a rule break"


def test_the_verdict_message_names_the_line(judge):
    for name in ("method call", "torch function", "getattr alias", "two statements",
                 "semicolon", "backslash", "80 columns", "import torch"):
        entry, source, _, line = RULE_BREAKERS[name]
        result = judge.verify(f"gauntlet.{entry}", source, quick=True, seed=SEED)
        assert result.message.startswith(f"Line {line}: "), (name, result.message)
    _, source, _, _ = RULE_BREAKERS["80 columns"]
    assert "columns long" in judge.verify("gauntlet.flip", source, quick=True).message
    _, source, _, _ = RULE_BREAKERS["method call"]
    assert "a vector of ones and `@`" in judge.verify("gauntlet.sum", source, quick=True).message


@pytest.mark.parametrize("name", ["list comprehension", "lambda"])
def test_headline_names_the_line_for_comprehensions_and_lambdas(judge, name):
    entry, source, _, line = RULE_BREAKERS[name]
    result = judge.verify(f"gauntlet.{entry}", source, quick=True, seed=SEED)
    assert result.message.startswith(f"Line {line}: "), result.message


def test_iterating_a_tensor_is_caught_at_run_time(judge):
    # `max(d)` passes the static rules (max is an allowed builtin) but iterates over the tensor.
    result = judge.verify("gauntlet.repeat", one_liner("repeat", "outer(ones(max(d)), a)"),
                          seed=SEED)
    assert result.status is Status.CONSTRAINT_VIOLATION
    assert "`unbind` was called at run time" in result.message
    assert "loop in disguise" in result.message


def test_numbers_and_shapes_may_use_the_builtins(judge):
    # min/max/int/abs on Python ints and 0-d tensors are allowed (no iteration).
    source = one_liner("pad_to", "a @ eye(max(i, j))[:min(i, i), :abs(int(j))]")
    assert judge.verify("gauntlet.pad_to", source, seed=SEED).status is Status.PASS


# -- the score --------------------------------------------------------------------------------


@pytest.mark.parametrize(("entry", "source", "expr"), [
    ("ones", "def ones(i: int):\n    return arange(i) * 0 + 1\n", "arange(i) * 0 + 1"),
    ("ones", '# mine\ndef ones(i: int):\n    """Ones."""\n    return   arange(i)**0  # short\n',
     "arange(i)**0"),
    ("sum", "def sum(a):\n    return ones(len(a)) @ a[:, None]\n", "ones(len(a)) @ a[:, None]"),
])
def test_chars_is_the_length_of_the_return_expression(judge, entry, source, expr):
    result = judge.verify(f"gauntlet.{entry}", source, seed=SEED)
    assert result.status is Status.PASS, result.message
    assert result.metrics.chars == len(expr)


def test_solutions_are_one_liners_under_80_columns():
    catalog = load_catalog()
    for entry in exam.EXAM_ORDER:
        puzzle = catalog.puzzle(f"gauntlet.{entry}")
        lines = [ln for ln in puzzle.solution.splitlines() if ln.strip().startswith("return ")]
        assert len(lines) == 1 and len(lines[0]) < 80, (entry, lines)
        assert puzzle.spec.rules.one_line and puzzle.spec.rules.max_columns == 80
        assert len(puzzle.spec.examples) >= 2
        assert len(puzzle.spec.mutants) >= 2
