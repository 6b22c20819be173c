"""Runs the player's module once over the whole sequence, then again chunk by chunk with its
cache; the judge compares both outputs and the final cache with its own module's."""

import torch


def _step(module, x, cache):
    out = module(x, cache)
    if not isinstance(out, tuple) or len(out) != 2:
        raise TypeError("forward must return a pair (y, cache)")
    y, new = out
    if not isinstance(new, tuple | list) or len(new) != 2:
        raise TypeError("the cache must be a pair (k, v)")
    return y, (new[0], new[1])


def run(module, x, chunks):
    module = module.to(x.dtype)
    with torch.no_grad():
        full, _ = _step(module, x, None)
        cache = None
        pieces = []
        start = 0
        for size in chunks:
            y, cache = _step(module, x[:, start:start + size], cache)
            pieces.append(y)
            start += size
    return full, torch.cat(pieces, dim=1), cache[0], cache[1]
