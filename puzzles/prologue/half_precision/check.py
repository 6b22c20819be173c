import torch

from game.engine.checks import Case, Check, floats, sizes


def reference(x):
    return x.to(torch.float16).to(torch.float32), x.to(torch.bfloat16).to(torch.float32)


def t(values):
    return torch.tensor(values, dtype=torch.float32)


def cases(g):
    yield Case("example: 1, 0.1, 70000", t([1.0, 0.1, 70000.0]), example=True,
               note="float16 turns 70000 into inf; bfloat16 turns it into 70144")
    yield Case("example: around float16's ceiling", t([65504.0, 65519.0, 65520.0, -70000.0]),
               example=True,
               note="65504 is float16's largest finite value; from 65520 up it rounds to inf")
    yield Case("just above 1", t([1 + 2**-11, 1 + 2**-10, 1 + 2**-9, 1 + 2**-8, 1 + 2**-7]),
               note="float16 steps by 2**-10 near 1, bfloat16 by 2**-7")
    yield Case("counting past 256 and 2048", t([255.0, 256.0, 257.0, 2047.0, 2048.0, 2049.0]),
               note="bfloat16 skips 257; float16 skips 2049")
    yield Case("tiny values", t([6.1e-5, 6e-8, 3e-8, 2.9e-8, 1e-8, -1e-10, 1e-38]),
               note="float16 underflows: below about 3e-8 it rounds to zero; bfloat16 does not")
    yield Case("near float32's ceiling", t([1e38, 3.38e38, 3.39e38, -3.4e38]),
               note="bfloat16 keeps float32's range but rounds the largest values up to inf")
    yield Case("inf, -inf, nan, -0.0", t([float("inf"), float("-inf"), float("nan"), -0.0]))
    yield Case("empty", torch.empty(0))
    yield Case("0-d", torch.tensor(3.14159))
    for scale in (1.0, 1e4, 1e-6):
        n = sizes(g, 1, 12)
        yield Case(f"random (3, {n}) × {scale:g}", floats(g, (3, n), scale=scale))
    yield Case("random (2, 3, 4) × 1e5", floats(g, (2, 3, 4), scale=1e5))


CHECK = Check(reference=reference, cases=cases, exact=True, signed_zeros=True)
