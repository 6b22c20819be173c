"""Diagnoses that go one step further: a time limit asks about an endless loop (one wording for
both clocks), a float from `/` names true division, a constant factor is named."""

from __future__ import annotations

import torch

from game.engine.compare import compare, compare_tensors, constant_factor
from game.engine.judge import time_limit_message


def test_a_time_limit_asks_whether_the_code_loops_forever() -> None:
    text = time_limit_message(5, "random (4,)")
    assert text.startswith("Stopped at the 5 s time limit while running test 'random (4,)'.")
    assert "loop forever" in text
    assert time_limit_message(5, None).startswith("Stopped at the 5 s time limit. Does")


def test_a_float_where_integers_are_expected_mentions_true_division() -> None:
    found = compare_tensors(torch.tensor([1, 2]), torch.tensor([1.0, 2.0]), path="output",
                            exact=True, rtol=None, atol=None)
    assert found is not None and found.kind == "dtype"
    assert "`/` is true division" in found.message and "`//`" in found.message
    scalar = compare(3, 3.0)
    assert scalar is not None and "`/` is true division" in scalar.message
    # Not for float32 against float64: that is not a division's doing.
    other = compare_tensors(torch.tensor([1.0]), torch.tensor([1.0], dtype=torch.float64),
                            path="output", exact=False, rtol=None, atol=None)
    assert other is not None and "division" not in other.message


def test_a_gradient_off_by_a_constant_factor_says_so() -> None:
    expected = torch.tensor([0.5, -1.0, 0.0, 2.0])
    found = compare_tensors(expected, 2 * expected, path="x.grad", exact=False, rtol=None,
                            atol=None)
    assert found is not None and "every value is 2 times the expected one" in found.message
    assert constant_factor(expected, -expected) == "-1"
    assert constant_factor(expected, expected + 1) is None
    assert constant_factor(expected, expected * 1.00001) is None  # that is rounding, not a factor
    assert constant_factor(torch.tensor([3.0]), torch.tensor([6.0])) is None  # one value: a guess
