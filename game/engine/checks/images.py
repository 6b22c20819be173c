"""Exact (bitwise) image bookkeeping for checks: which images are the same, and whether two
batches hold the same images the same number of times. Float32 only: bits, not tolerances."""

from __future__ import annotations

import math

import torch


def bit_rows(images: torch.Tensor, extra: torch.Tensor | None = None) -> torch.Tensor:
    """Each float32 image as one row of int32 bit patterns (optionally with an extra column,
    e.g. its label), so that equal rows mean bitwise-equal images."""
    width = math.prod(images.shape[1:])
    rows = images.detach().reshape(len(images), width).contiguous().view(torch.int32)
    if extra is not None:
        rows = torch.cat([rows, extra.reshape(-1, 1).to(torch.int32)], dim=1)
    return rows


def lookup(keys: torch.Tensor, queries: torch.Tensor) -> torch.Tensor:
    """For each query image, the index of the first bitwise-equal key image, or -1."""
    k, q = bit_rows(keys), bit_rows(queries)
    if len(q) == 0:
        return torch.empty(0, dtype=torch.int64)
    if len(k) == 0:
        return torch.full((len(q),), -1, dtype=torch.int64)
    _, group = torch.unique(torch.cat([k, q]), dim=0, return_inverse=True)
    first = torch.full((int(group.max()) + 1,), len(k), dtype=torch.int64)
    first = first.scatter_reduce(0, group[: len(k)], torch.arange(len(k)), reduce="amin")
    found = first[group[len(k):]]
    return torch.where(found == len(k), torch.full_like(found, -1), found)


def same_multiset(a: torch.Tensor, b: torch.Tensor) -> bool:
    """Whether two (N, D) int32 row batches hold the same rows the same number of times."""
    if a.shape != b.shape:
        return False
    if len(a) == 0:
        return True
    ua, ca = torch.unique(a, dim=0, return_counts=True)
    ub, cb = torch.unique(b, dim=0, return_counts=True)
    return ua.shape == ub.shape and torch.equal(ua, ub) and torch.equal(ca, cb)
