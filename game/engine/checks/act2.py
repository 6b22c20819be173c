"""Checks shared by Act II's puzzles: name the plausible mistake behind a wrong value.

A wrong number alone teaches little. These puzzles compute, in the judge, what the usual
mistakes would have returned (the unbiased variance, a mean over ignored rows, a warmup that
starts at 0) and, when the player's value matches one of them, say so beside the mismatch.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import torch

from game.engine.compare import Mismatch, compare_tensors, describe


def tensor_result(got: Any, path: str = "output") -> Mismatch | None:
    """A type mismatch unless `got` (a decoded output) is a plain tensor."""
    if type(got) is torch.Tensor:
        return None
    what = got.get("__unsupported__") if isinstance(got, dict) and "__unsupported__" in got \
        else describe(got)
    return Mismatch("type", f"{path}: expected a torch.Tensor, got {what}")


def named_mistake(expected: torch.Tensor, got: Any, mistakes: Mapping[str, Any], *,
                  path: str = "output", rtol: float | None = None,
                  atol: float | None = None) -> Mismatch | None:
    """Compare `got` with `expected`; when the values differ, look for the first of `mistakes`
    (a sentence naming the mistake -> the tensor that mistake returns) that `got` matches, and
    add its sentence to the message. None when `got` is right."""
    if (wrong := tensor_result(got, path)) is not None:
        return wrong
    found = compare_tensors(expected, got, path=path, exact=False, rtol=rtol, atol=atol)
    if found is None or found.kind not in ("values", "nan"):
        return found
    for sentence, value in mistakes.items():
        if type(value) is not torch.Tensor or value.shape != got.shape or \
                value.dtype != got.dtype:
            continue
        if compare_tensors(value.detach(), got, path=path, exact=False, rtol=rtol,
                           atol=atol) is None:
            return Mismatch("values", f"{sentence} ({found.message})", found.expected,
                            found.actual)
    return found
