import torch

from game.engine.checks import Case, Check, Mismatch, describe


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


def evaluate(case, expected, got, ctx):
    if type(got) is not int:
        if isinstance(got, float):
            return Mismatch("type", f"you returned the float {got!r}; a count is a Python int: "
                            "convert it with int(...)", str(expected), describe(got))
        if type(got) is torch.Tensor:
            return Mismatch("type", "you returned a tensor; return a Python int "
                            "(int(t) or t.item() on an integer tensor)", str(expected),
                            describe(got))
        return Mismatch("type", f"expected an int, got {describe(got)}", str(expected),
                        describe(got))
    if got == expected:
        return None
    dtype = case.args[0]
    message = f"expected {expected}, got {got}"
    if got * 2 == expected:
        message += ": half the answer. eps is the gap just above 1, but counting stays exact " \
                   "until the gap reaches 2"
    elif got == expected + 1:
        message += f": {got} is the first integer that {str(dtype)[6:]} cannot hold; return " \
                   "the last one before it"
    elif got == int(torch.finfo(dtype).max):
        message += ": that is the largest finite value, but long before it the gaps between " \
                   "neighbouring numbers are wider than 1"
    return Mismatch("values", message, str(expected), str(got))


CHECK = Check(reference=reference, cases=cases, evaluate=evaluate)
