"""Judge behaviour beyond the hostile inputs: budgets, quick checks, seeds, metrics."""

from __future__ import annotations

from pathlib import Path

import pytest

from game.core.content import load_catalog
from game.core.result import Status
from game.engine.judge import Judge

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "content"
ROWSUMS = FIXTURES / "puzzles" / "act1" / "rowsums"


@pytest.fixture(scope="module")
def judge():
    with Judge(load_catalog(FIXTURES)) as j:
        yield j


def test_memory_budget_passes_the_frugal_and_fails_the_wasteful(judge):
    good = judge.verify("act1.rowsums", (ROWSUMS / "solution.py").read_text())
    assert good.status is Status.PASS, good.message
    assert good.metrics.peak_bytes is not None and good.metrics.peak_bytes < 2**20
    bad = judge.verify("act1.rowsums", (ROWSUMS / "mutants" / "full.py").read_text())
    assert bad.status is Status.WRONG_ANSWER, bad.message
    assert bad.tests[0].mismatch == "budget" and "MiB" in bad.message
    assert bad.metrics.peak_bytes >= 4 * 2**20


def test_quick_runs_only_the_examples(judge):
    r = judge.verify("act1.double", "def double(x):\n    return 2 * x\n", quick=True)
    assert r.status is Status.PASS and r.quick
    assert [t.name for t in r.tests] == ["example"]


def test_seed_replays_the_same_cases(judge):
    wrong = "def double(x):\n    return x + 1\n"
    a = judge.verify("act1.double", wrong, seed=123)
    b = judge.verify("act1.double", wrong, seed=123)
    c = judge.verify("act1.double", wrong, seed=124)
    assert a.tests[1].inputs == b.tests[1].inputs != c.tests[1].inputs
    assert a.tests[1].seed == 123


def test_metrics_and_runtime_traceback_use_player_lines(judge, monkeypatch):
    r = judge.verify("act1.double", "def double(x):\n\n    return x.nope()\n")
    assert r.status is Status.RUNTIME_ERROR
    assert "line 3, in double" in r.message and "AttributeError" in r.message
    assert "runner.py" not in r.message
    ok = judge.verify("act1.double", "def double(x):\n    return 2 * x\n")
    # A reference of microseconds gives no speed ratio: it would measure warm-up, not code.
    assert ok.metrics.lines == 1 and ok.metrics.time_ratio is None  # the def line is given
    from game.engine import judge as judge_module

    monkeypatch.setattr(judge_module, "MIN_TIMED_NS", 0)
    timed = judge.verify("act1.double", "def double(x):\n    return 2 * x\n")
    assert timed.metrics.time_ratio is not None and timed.metrics.time_ratio > 0


def test_printed_output_is_kept_per_test(judge):
    r = judge.verify("act1.double", "def double(x):\n    print(x.shape)\n    return 2 * x\n")
    assert r.status is Status.PASS
    assert "torch.Size" in r.tests[0].output


def test_unknown_puzzle_is_a_key_error(judge):
    with pytest.raises(KeyError):
        judge.verify("act1.nope", "")


def test_forced_missing_device_is_explained(judge):
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    r = judge.verify("act1.double", "def double(x):\n    return 2 * x\n", device="cuda")
    assert r.status is Status.RUNTIME_ERROR and "no usable CUDA" in r.message


def fixture(puzzle: str, name: str) -> str:
    return (FIXTURES / "puzzles" / "act1" / puzzle / name).read_text()


def test_class_puzzle_loads_the_judges_weights_and_checks_gradients(judge):
    ok = judge.verify("act1.tinynet", fixture("tinynet", "solution.py"))
    assert ok.status is Status.PASS, ok.message
    assert ok.metrics.params == 4 * 8 + 8 + 8 + 1  # the largest case, d = 4
    wrong = judge.verify("act1.tinynet", fixture("tinynet", "mutants/no_relu.py"))
    assert wrong.status is Status.WRONG_ANSWER
    names = judge.verify("act1.tinynet", fixture("tinynet", "mutants/wrong_names.py"))
    assert names.status is Status.RUNTIME_ERROR
    assert "it expects fc1.bias, fc1.weight" in names.message


def test_parameter_budget(judge):
    ok = judge.verify("act1.compact", fixture("compact", "solution.py"))
    assert ok.status is Status.PASS and ok.metrics.params == 5
    big = judge.verify("act1.compact", fixture("compact", "mutants/huge.py"))
    assert big.status is Status.WRONG_ANSWER and big.tests[0].mismatch == "budget"
    assert "1,537 parameters" in big.message and "100" in big.message


def test_a_puzzle_harness_builds_what_cannot_travel_and_calls_the_entry(judge):
    ok = judge.verify("act1.harnessed", fixture("harnessed", "solution.py"))
    assert ok.status is Status.PASS, ok.message
    dropout_on = judge.verify("act1.harnessed", fixture("harnessed", "mutants/train_mode.py"))
    assert dropout_on.status is Status.WRONG_ANSWER
    left_in_eval = judge.verify("act1.harnessed", fixture("harnessed", "mutants/leaves_eval.py"))
    assert left_in_eval.status is Status.WRONG_ANSWER
    assert "values" in {t.mismatch for t in left_in_eval.tests}
    raised = judge.verify("act1.harnessed", "def predict(model, x):\n    return model.nope\n")
    assert raised.status is Status.RUNTIME_ERROR and "nope" in raised.message


def test_a_broken_harness_is_the_puzzles_fault(judge, tmp_path):
    import shutil

    root = tmp_path / "content"
    shutil.copytree(FIXTURES, root)
    (root / "puzzles" / "act1" / "harnessed" / "harness.py").write_text("raise ValueError('x')")
    with Judge(load_catalog(root)) as own:
        result = own.verify("act1.harnessed", fixture("harnessed", "solution.py"))
    assert result.status is Status.INTERNAL_ERROR and "harness.py" in result.message


def test_a_sandbox_that_fails_to_set_up_is_not_blamed_on_the_player(monkeypatch):
    from game.engine import sandbox

    def broken() -> bool:
        raise RuntimeError("capabilities could not be dropped")

    monkeypatch.setattr(sandbox, "drop_capabilities", broken)
    with Judge(load_catalog(FIXTURES)) as own:
        result = own.verify("act1.double", fixture("double", "solution.py"))
    assert result.status is Status.INTERNAL_ERROR, result.message
    assert "capabilities could not be dropped" in result.message


def test_the_players_own_exit_is_still_no_result(judge):
    result = judge.verify("act1.double", "import sys\n\ndef double(x):\n    sys.exit(3)\n")
    assert result.status is Status.NO_RESULT, result.message
