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
    """`torch.tensor(range(i))`: int64 0, 1, …, i - 1 (int64 even when empty)."""
    return torch.tensor(range(i), dtype=torch.int64)


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


# -- the reference answers, in exam order; each is one line of < 80 columns that obeys the rules --
# (They call each other directly; injected into a submission they run with the tracer paused.)


def ones(i):
    return arange(i) * 0 + 1


# The exam's entry point; it shadows the builtin `sum` in this module, which never uses it.
def sum(a):
    return ones(len(a)) @ a[:, None]


def outer(a, b):
    return a[:, None] * b[None, :]


def diag(a):
    return a[arange(len(a)), arange(len(a))]


def eye(j):
    return where(arange(j)[:, None] == arange(j), 1, 0)


def triu(j):
    return where(arange(j)[:, None] <= arange(j), 1, 0)


def cumsum(a):
    return a @ triu(len(a))


def diff(a, i):
    return a - where(arange(i) > 0, a[arange(i) - 1], 0)


def vstack(a, b):
    return where(arange(2)[:, None] == 0, a, b)


def roll(a, i):
    return a[(arange(i) + 1) % i]


def flip(a, i):
    return a[i - 1 - arange(i)]


def compress(g, v, i):
    return v * g @ eye(i)[cumsum(1 * g) - 1]


def pad_to(a, i, j):
    return a @ where(arange(i)[:, None] == arange(j), 1, 0)


def sequence_mask(values, length):
    return where(arange(values.shape[1]) < length[:, None], values, 0)


def bincount(a, j):
    return ones(len(a)) @ eye(j)[a]


def scatter_add(values, link, j):
    return values @ eye(j)[link]


def flatten(a, i, j):
    return a[arange(i * j) // j, arange(i * j) % j]


def linspace(i, j, n):
    return i + (j - i) * arange(n) / max(1, n - 1)


def heaviside(a, b):
    return where(a == 0, b, where(a > 0, 1, 0))


def repeat(a, d):
    return outer(ones(d[0]), a)


def bucketize(v, boundaries):
    return where(boundaries[None] <= v[:, None], 1, 0) @ ones(len(boundaries))


EXAM_ORDER = (
    "ones", "sum", "outer", "diag", "eye", "triu", "cumsum", "diff", "vstack", "roll", "flip",
    "compress", "pad_to", "sequence_mask", "bincount", "scatter_add", "flatten", "linspace",
    "heaviside", "repeat", "bucketize",
)


def injected(entry: str) -> list[str]:
    """What a submission to `entry` finds in its namespace: the two helpers and the reference
    answers of every earlier puzzle of the exam."""
    return ["arange", "where", *EXAM_ORDER[:EXAM_ORDER.index(entry)]]
