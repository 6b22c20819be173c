import torch

from game.engine.checks import Case, Check


def reference(dtype):
    # p significant bits (the hidden leading 1 included) hold every integer up to 2**p,
    # and eps = 2**(1 - p), so 2**p = 2 / eps.
    return int(2 / torch.finfo(dtype).eps)


def cases(g):
    yield Case("example: float16", torch.float16, example=True,
               note="a float16 counter that adds 1 at a time sticks at 2048")
    yield Case("example: bfloat16", torch.bfloat16, example=True)
    yield Case("float32", torch.float32)
    yield Case("float64", torch.float64,
               note="about 9e15: counting one by one would never finish")
    yield Case("float8_e4m3fn", torch.float8_e4m3fn, note="3 mantissa bits")
    yield Case("float8_e5m2", torch.float8_e5m2, note="2 mantissa bits")


CHECK = Check(reference=reference, cases=cases)
