"""act3.quantize_int8: symmetric per-row int8 quantization of a weight matrix.

Judged by hand rather than by one assert_close: `scale` at rtol 1e-6 with no absolute tolerance,
and `q` exactly, except where `w / scale` lies within 1e-4 of a tie (x.5): there either
neighbour is accepted, because rounding a float32 quotient that close to .5 may go either way.
"""

import torch

from game.engine.checks import Case, Check, Mismatch, describe, floats

TIE = 1e-4


def reference(w):
    amax = w.abs().amax(dim=1)
    scale = torch.where(amax > 0, amax / 127, torch.ones_like(amax))
    q = torch.round(w / scale[:, None]).clamp(-127, 127).to(torch.int8)
    return q, scale


def cases(g):
    yield Case("example: two rows", torch.tensor([[0.5, -1.27, 0.0], [2.0, 1.0, -0.5]]),
               example=True)
    yield Case("example: a row of zeros", torch.tensor([[0.0, 0.0, 0.0], [0.3, -0.6, 0.1]]),
               example=True, note="an all-zero row has scale 1.0 and quantizes to zeros")
    yield Case("exact ties round half to even", torch.tensor(
        [[127.0, 0.5, 1.5, 2.5, -0.5, -3.5], [-127.0, 4.5, 5.5, 6.4, 6.6, 0.0]]),
        note="here w / scale is exactly x.5 or clearly not: 6.4 and 6.6 must become 6 and 7")
    yield Case("a single row", floats(g, (1, 9)))
    yield Case("a single column", floats(g, (7, 1)),
               note="each row's only value is its own maximum: it lands on ±127")
    yield Case("every row negative", -floats(g, (4, 6)).abs())
    yield Case("large and tiny magnitudes", torch.cat([floats(g, (2, 8), scale=1e30),
                                                        floats(g, (2, 8), scale=1e-30)]),
               note="each row is scaled by its own maximum, whatever its size")
    yield Case("rows far apart in size", floats(g, (6, 16)) * torch.logspace(-3, 3, 6)[:, None],
               note="one scale for the whole matrix crushes the small rows to zero")
    yield Case("non-contiguous (a transposed view)", floats(g, (12, 5)).t())
    zero_rows = floats(g, (8, 10))
    zero_rows[torch.tensor([1, 6])] = 0.0
    yield Case("random with zero rows", zero_rows)
    for shape in [(16, 32), (64, 48)]:
        yield Case(f"random {shape}", floats(g, shape, scale=0.05))


def _tensor(x, what):
    if type(x) is not torch.Tensor:
        kind = x.get("__unsupported__") if isinstance(x, dict) else type(x).__name__
        return Mismatch("type", f"{what} must be a torch.Tensor, not {kind}")
    return None


def evaluate(case, expected, got, ctx):
    w = case.args[0]
    o, i = w.shape
    if not isinstance(got, tuple) or len(got) != 2:
        return Mismatch("type", "return a tuple (q, scale)", "tuple of 2 tensors", describe(got))
    q, scale = got
    for value, what in ((q, "q"), (scale, "scale")):
        if (wrong := _tensor(value, what)) is not None:
            return wrong
    if tuple(q.shape) != (o, i):
        return Mismatch("shape", f"q must have the shape of w, ({o}, {i}); got {tuple(q.shape)}",
                        f"({o}, {i})", str(tuple(q.shape)))
    if tuple(scale.shape) != (o,):
        return Mismatch("shape", f"scale has one entry per row of w: ({o},); got "
                        f"{tuple(scale.shape)}", f"({o},)", str(tuple(scale.shape)))
    if q.dtype != torch.int8:
        return Mismatch("dtype", f"q must be int8 (one byte a weight), got {q.dtype}",
                        "torch.int8", str(q.dtype))
    if scale.dtype != torch.float32:
        return Mismatch("dtype", f"scale must be float32, got {scale.dtype}", "torch.float32",
                        str(scale.dtype))
    want_q, want_scale = expected
    bad = ~torch.isclose(scale.double(), want_scale.double(), rtol=1e-6, atol=0.0)
    if bool(bad.any()):
        r = int(bad.nonzero()[0])
        return Mismatch("values", f"scale of row {r} is {float(scale[r]):.9g}, expected "
                        f"{float(want_scale[r]):.9g} (that row's largest |w| is "
                        f"{float(w[r].abs().amax()):.9g})", describe(want_scale), describe(scale))
    ratio = w.double() / want_scale.double()[:, None]
    frac = ratio - ratio.floor()
    tie = (frac - 0.5).abs() < TIE
    lo = ratio.floor().clamp(-127, 127)
    hi = ratio.ceil().clamp(-127, 127)
    got_q = q.long()
    ok = (got_q == want_q.long()) | (tie & ((got_q == lo.long()) | (got_q == hi.long())))
    if not bool(ok.all()):
        r, c = (int(v) for v in (~ok).nonzero()[0])
        return Mismatch("values", f"{int((~ok).sum())} of {q.numel()} entries of q differ; "
                        f"first at ({r}, {c}): w / scale = {float(ratio[r, c]):.6g}, expected "
                        f"{int(want_q[r, c])}, got {int(q[r, c])}", describe(want_q), describe(q))
    return None


CHECK = Check(reference=reference, cases=cases, evaluate=evaluate, inputs_on_device=False)
