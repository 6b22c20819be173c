"""Hammer's Qualifying Exam (the `gauntlet`): the helpers injected into every submission and the
reference answer of each puzzle, injected into later puzzles so one mistake does not cascade.

After srush/Tensor-Puzzles (MIT). Every reference obeys the exam's own rules.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import torch


def arange(i: int) -> torch.Tensor:
    """`torch.tensor(range(i))`: int64 0, 1, …, i - 1."""
    return torch.tensor(range(i))


def where(q: torch.Tensor, a: Any, b: Any) -> torch.Tensor:
    """`q * a + ~q * b`: pick from `a` where `q`, else from `b`."""
    return q * a + ~q * b


def paused(fn: Callable[..., Any], tracer: Any) -> Callable[..., Any]:
    """Wrap an injected helper so the torch calls inside it are not held against the player."""

    @functools.wraps(fn)
    def call(*args: Any, **kwargs: Any) -> Any:
        tracer.paused += 1
        try:
            return fn(*args, **kwargs)
        finally:
            tracer.paused -= 1

    return call
