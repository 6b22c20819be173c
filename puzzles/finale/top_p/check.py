"""finale.top_p: nucleus filtering of logits (shared/CANON.md).

Cases never put a cumulative probability within 1e-5 of top_p, so float32 and float64
arithmetic agree on the set; for top_p = 1 every probability is far from zero."""

import torch

from game.engine.checks import Case, Check

MARGIN = 1e-5


def reference(logits, top_p, temperature=1.0):
    tempered = logits / temperature
    probs, order = (logits.double() / temperature).softmax(-1).sort(-1, descending=True)
    before = probs.cumsum(-1) - probs
    keep_sorted = before < top_p
    keep_sorted[..., :1] = True
    keep = torch.zeros_like(keep_sorted).scatter(-1, order, keep_sorted)
    return tempered.masked_fill(~keep, float("-inf"))


def safe(logits, top_p, temperature):
    probs = (logits.double() / temperature).softmax(-1).sort(-1, descending=True).values
    if top_p >= 1:
        return bool((probs > 1e-4).all())
    cum = probs.cumsum(-1)
    no_ties = all(len(set(row.tolist())) == row.numel() for row in logits)
    return no_ties and bool(((cum - top_p).abs() > MARGIN).all())


def draw(g, shape, top_p, temperature=1.0, scale=2.0):
    while True:
        logits = torch.randn(shape, generator=g) * scale
        if safe(logits, top_p, temperature):
            return logits


def cases(g):
    yield Case("example: four tokens, top_p 0.8", torch.tensor([[2.0, 1.0, 0.0, -1.0]]), 0.8,
               example=True)
    yield Case("example: (3, 10), top_p 0.9", draw(g, (3, 10), 0.9), 0.9, example=True)
    yield Case("temperature 0.5 sharpens before the cut", draw(g, (4, 40), 0.75, 0.5), 0.75,
               0.5, note="divide by the temperature first, then rank and cut")
    yield Case("temperature 2 flattens before the cut", draw(g, (4, 40), 0.6, 2.0), 0.6, 2.0,
               note="divide by the temperature first, then rank and cut")
    yield Case("top_p 1 keeps everything", draw(g, (2, 12), 1.0, scale=1.0), 1.0)
    yield Case("a tiny top_p keeps only the favourite", draw(g, (5, 30), 0.01), 0.01,
               note="at least one token survives, even when it alone exceeds top_p")
    yield Case("large logits, sharply peaked", draw(g, (3, 100), 0.95, scale=30.0), 0.95)
    yield Case("a vocabulary of 1000", draw(g, (2, 1000), 0.5), 0.5)
    yield Case("one token in the vocabulary", torch.tensor([[0.3], [-7.0]]), 0.4)
    yield Case("no rows", torch.zeros(0, 6), 0.9)
    column_major = draw(g, (3, 20), 0.7).T.contiguous().T  # same values, strides (1, 3)
    yield Case("non-contiguous logits", column_major, 0.7)


CHECK = Check(reference=reference, cases=cases)
