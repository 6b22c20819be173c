"""How a verdict is worded for the player (game.core.verdict, game.core.metrics,
game.core.render): the diagnosis, nothing said twice, "nothing was run", the figures."""

from __future__ import annotations

import io

from rich.console import Console

from game.core.metrics import count_lines, entry_chars
from game.core.models import Example
from game.core.render import render_example, render_result, value_grid
from game.core.result import ConstraintResult, Metrics, Result, Status
from game.core.result import TestResult as Case
from game.core.verdict import case_rows, diagnosis, metrics_facts, nothing_ran

TRACE = ("Traceback (your code, most recent call last):\n  line 3, in gelu\n    return x / 0\n"
         "ZeroDivisionError: division by zero")


def text_of(renderable, width: int = 80) -> str:
    console = Console(width=width, file=io.StringIO(), color_system=None)
    with console.capture() as captured:
        console.print(renderable)
    return captured.get()


def runtime_error() -> Result:
    cases = [Case(name=f"case {i}", status="error", message=TRACE) for i in range(3)]
    return Result(puzzle="act1.gelu", status=Status.RUNTIME_ERROR, tests=cases,
                  message=f"Test 'case 0' raised an error:\n{TRACE}", traceback=TRACE)


def test_a_runtime_error_is_diagnosed_in_one_line_and_its_traceback_shown_once() -> None:
    result = runtime_error()
    assert diagnosis(result) == ("Test 'case 0' raised ZeroDivisionError: division by zero "
                                 "(line 3)")
    assert all(label != "why" for label, _ in case_rows(result.tests[0], result))
    shown = text_of(render_result(result), width=100)
    assert shown.count("ZeroDivisionError: division by zero") == 2  # diagnosis + traceback
    assert shown.count("Traceback (your code") == 1


def test_a_wrong_answer_is_not_repeated_in_its_case() -> None:
    why = "output: 2 of 3 values differ; first at index (0,): expected 2, got 1"
    case = Case(name="example", status="fail", message=why, inputs="arg0: int 3",
                expected="float32 (3,) [2, -4, 0]", actual="float32 (3,) [1, -2, 0]")
    result = Result(puzzle="p.x", status=Status.WRONG_ANSWER, tests=[case],
                    message=f"Test 'example' failed: {why}")
    assert diagnosis(result) == result.message
    assert [label for label, _ in case_rows(case, result)] == ["inputs", "expected", "got"]
    assert text_of(render_result(result), width=200).count("2 of 3 values differ") == 1


def test_syntax_errors_and_broken_rules_say_nothing_was_run() -> None:
    not_run = [Case(name=f"t{i}", status="not_run") for i in range(7)]
    syntax = Result(puzzle="p.x", status=Status.SYNTAX_ERROR, tests=not_run,
                    message="Python cannot read your file (line 2): invalid syntax")
    rule = Result(puzzle="p.x", status=Status.CONSTRAINT_VIOLATION, tests=not_run,
                  message="Line 3: `torch.relu` is not allowed",
                  constraints=[ConstraintResult(rule="banned_call", status="fail", line=3,
                                                col=5, message="`torch.relu` is not allowed")])
    for result, reason in ((syntax, "Python must be able to read"), (rule, "rules are checked")):
        assert nothing_ran(result)
        shown = text_of(render_result(result))
        assert "Nothing was run" in shown and reason in shown
        assert "t0" not in shown and "seed" not in shown
    assert not nothing_ran(Result(puzzle="p.x", status=Status.PASS, tests=not_run, message=""))


def test_the_figures_count_lines_written_and_leave_out_an_untimed_ratio() -> None:
    result = Result(puzzle="p.x", status=Status.PASS, message="",
                    metrics=Metrics(lines=1, chars=74))
    assert metrics_facts(result) == ["1 line written", "74 chars"]
    timed = result.model_copy(update={"metrics": Metrics(lines=3, time_ratio=1.25)})
    assert metrics_facts(timed) == ["3 lines written", "1.25× reference time"]


def test_lines_written_leave_out_what_the_starter_gives() -> None:
    source = ('import torch\nfrom torch import nn\n\n\n@torch.no_grad()\n'
              'def gelu(\n    x: torch.Tensor,\n) -> torch.Tensor:\n    """Doc\n    string."""\n'
              '    # a comment\n    y = x * 0.5\n    return y\n\n\ndef helper():\n    return 1\n')
    assert count_lines(source, "gelu") == 4  # y = ..., return y, def helper, return 1
    assert count_lines(source) == 10  # without an entry: every line of code but the imports
    assert count_lines("def f(:\n    pass\n", "f") == 2  # unreadable: every line of code
    assert entry_chars("def f(x):\n    return x + 1\n", "f") == len("x + 1")


def test_box_titles_are_never_clipped_and_examples_wrap_whole_boxes() -> None:
    for grid in (7, [1], [[1]], [0.5, 2.0]):
        shown = text_of(value_grid(grid, "out"))
        assert "─ out ─" in shown, shown
    example = Example(call="outer(a, b)", inputs={"a": [[1, 2], [3, 4]], "b": [[5, 6], [7, 8]]},
                      output=[[1, 2], [3, 4]])
    narrow = text_of(render_example(example), width=10).splitlines()
    # Each box is whole on its own lines: no line holds two boxes' corners cut apart.
    assert all(line.count("╭") <= 1 for line in narrow), narrow
    assert sum(line.count("╭") for line in narrow) == 3
    wide = text_of(render_example(example), width=80).splitlines()
    assert wide[1].count("╭") == 3  # side by side when they fit
