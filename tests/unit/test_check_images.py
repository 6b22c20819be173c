"""The exact image bookkeeping that image checks rely on."""

from __future__ import annotations

import torch

from game.engine.checks.images import bit_rows, lookup, same_multiset


def test_lookup_is_bitwise():
    a = torch.rand(4, 3, 2, 2)
    near = a[1].clone()
    near[0, 0, 0] = torch.nextafter(near[0, 0, 0], torch.tensor(2.0))
    queries = torch.stack([a[2], near, a[0], a[2].flip(-1)])
    assert lookup(a, queries).tolist() == [2, -1, 0, -1]


def test_lookup_returns_the_first_duplicate_and_handles_empty():
    a = torch.rand(3, 1, 2, 2)
    keys = torch.cat([a, a])
    assert lookup(keys, a).tolist() == [0, 1, 2]
    assert lookup(keys[:0], a).tolist() == [-1, -1, -1]
    assert lookup(keys, a[:0]).tolist() == []


def test_multiset_counts_repeats_and_labels():
    a = torch.rand(3, 1, 2, 2)
    y = torch.tensor([0, 1, 2])
    shuffled = torch.tensor([2, 0, 1])
    assert same_multiset(bit_rows(a, y), bit_rows(a[shuffled], y[shuffled]))
    assert not same_multiset(bit_rows(a, y), bit_rows(a, y.flip(0)))
    assert not same_multiset(bit_rows(a[[0, 0, 1]]), bit_rows(a))
