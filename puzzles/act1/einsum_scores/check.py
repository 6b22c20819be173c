import math

import torch

from game.engine.checks import Case, Check, floats, sizes


def reference(q, k):
    q64, k64 = q.double(), k.double()
    scores = (q64 @ k64.transpose(-2, -1)) / math.sqrt(q.shape[-1])
    return scores.to(q.dtype)


def qk(g, b, h, t, s, d, dtype=torch.float32):
    return floats(g, (b, h, t, d), dtype), floats(g, (b, h, s, d), dtype)


def cases(g):
    q = torch.tensor([[[[1.0, 0.0, 2.0, 0.0], [0.0, 1.0, 0.0, 1.0]]]])
    k = torch.tensor([[[[2.0, 2.0, 0.0, 0.0], [1.0, 0.0, 1.0, 0.0], [0.0, 0.0, 0.0, 4.0]]]])
    yield Case("example: B = H = 1, T = 2, S = 3, D = 4", q, k, example=True)
    yield Case("example: random (2, 3, 4, 8) against (2, 3, 5, 8)", *qk(g, 2, 3, 4, 5, 8),
               example=True)
    yield Case("one query (T = 1)", *qk(g, 2, 2, 1, 6, 4))
    yield Case("one key (S = 1)", *qk(g, 2, 2, 6, 1, 4))
    yield Case("D = 1", *qk(g, 1, 2, 3, 5, 1), note="the scale is 1/√1 = 1")
    yield Case("as many heads as batches (B = H = 3)", *qk(g, 3, 3, 4, 7, 16),
               note="mixing up the batch and head axes does not change the shape here")
    yield Case("T = S, square scores", *qk(g, 2, 4, 5, 5, 8))
    yield Case("no queries (T = 0)", *qk(g, 2, 2, 0, 3, 4))
    yield Case("no keys (S = 0)", *qk(g, 2, 2, 3, 0, 4), note="the scores are (B, H, T, 0)")
    q, k_t = floats(g, (2, 3, 4, 8)), floats(g, (2, 3, 8, 6))
    yield Case("keys given as a transposed (non-contiguous) view", q, k_t.transpose(-2, -1),
               note="k arrives with swapped strides; its shape is still (B, H, S, D)")
    yield Case("float16 (output stays float16)", *qk(g, 2, 2, 3, 4, 16, torch.float16),
               rtol=2e-3, atol=2e-3, grad=False)
    yield Case("bfloat16 (output stays bfloat16)", *qk(g, 2, 2, 3, 4, 16, torch.bfloat16),
               rtol=1.6e-2, atol=2e-2, grad=False)
    yield Case("float64", *qk(g, 2, 2, 3, 4, 16, torch.float64),
               note="the output keeps the inputs' dtype")
    for _ in range(3):
        b, h = sizes(g, 1, 3), sizes(g, 1, 4)
        t, s, d = sizes(g, 1, 12), sizes(g, 1, 12), sizes(g, 1, 64)
        yield Case(f"random ({b}, {h}, {t}, {d}) against ({b}, {h}, {s}, {d})",
                   *qk(g, b, h, t, s, d))
    yield Case("large: (2, 8, 64, 64) against (2, 8, 96, 64)", *qk(g, 2, 8, 64, 96, 64))


CHECK = Check(reference=reference, cases=cases, grad=True, rtol=1e-5, atol=1e-5)
