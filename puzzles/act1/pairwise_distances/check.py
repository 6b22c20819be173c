import torch

from game.engine.checks import Case, Check, Mismatch, describe, floats, sizes
from game.engine.compare import compare_tensors

EPS32 = torch.finfo(torch.float32).eps
RTOL = 1e-5


def reference(a, b):
    a64, b64 = a.double(), b.double()
    return ((a64[:, None, :] - b64[None, :, :]) ** 2).sum(-1).to(a.dtype)


def atol_for(a, b):
    """The expansion |a|² - 2a·b + |b|² loses about eps·(|a|² + |b|²) to cancellation; the
    broadcast difference does not. Allow the first a few times that, so both forms pass."""
    big = 0.0
    for x in (a, b):
        if x.numel():
            big += float((x.double() ** 2).sum(-1).max())
    return 1e-5 + 8 * EPS32 * big


def evaluate(case, expected, got, ctx):
    if type(got) is not torch.Tensor:
        return Mismatch("type", f"output: expected a torch.Tensor, got {describe(got)}")
    found = compare_tensors(expected, got, path="output", exact=False, rtol=RTOL,
                            atol=case.atol)
    if found:
        return found
    if got.numel() and bool((got < 0).any()):
        where = tuple(int(i) for i in (got < 0).nonzero()[0])
        return Mismatch(
            "values",
            f"output: {int((got < 0).sum())} distances are negative (first at {where}: "
            f"{float(got[where]):.3g}). A squared distance is never below 0; the expansion "
            "|a|² - 2a·b + |b|² cancels to rounding noise for nearly equal points, so clamp "
            "it at 0 (or use the broadcast difference).",
            "every value >= 0", f"min {float(got.min()):.3g}")
    return None


def pair(g, n, m, d, scale=1.0, shift=0.0):
    return floats(g, (n, d), scale=scale) + shift, floats(g, (m, d), scale=scale) + shift


def case(name, a, b, **kw):
    return Case(name, a, b, atol=atol_for(a, b), **kw)


def cases(g):
    a = torch.tensor([[0.0, 0.0], [1.0, 1.0]])
    b = torch.tensor([[1.0, 0.0], [0.0, 0.0], [3.0, 4.0]])
    yield case("example: 2 points against 3", a, b, example=True)
    yield case("example: random 4 against 5 in 3-D", *pair(g, 4, 5, 3), example=True)
    yield case("one point in a (N = 1)", *pair(g, 1, 6, 4))
    yield case("one point in b (M = 1)", *pair(g, 6, 1, 4))
    yield case("a line (D = 1)", *pair(g, 5, 7, 1))
    a_t, b_t = pair(g, 3, 4, 6)  # (3, 6) and (4, 6): transposed, (6, 3) and (6, 4)
    yield case("transposed (non-contiguous) views: 6 against 6 in 3-D", a_t.T, b_t.T[:, :3],
               note="the inputs are views with swapped strides; their shapes are what count")
    yield case("a is empty (N = 0)", *pair(g, 0, 5, 3), note="the answer is a (0, M) tensor")
    yield case("b is empty (M = 0)", *pair(g, 4, 0, 3), note="the answer is an (N, 0) tensor")
    for d in (16, 32):
        x = floats(g, (64, d), scale=3.0)
        y = x[torch.randperm(64, generator=g)]
        yield case(f"the same 64 points shuffled, D = {d}", x, y,
                   note="64 of the distances are exactly 0")
    x = floats(g, (40, 16)) + 100.0
    y = torch.cat([floats(g, (20, 16)) + 100.0, x[:20]])
    yield case("far from the origin, shared points", x, y,
               note="every point sits near (100, ..., 100); 20 of them appear in both sets")
    for _ in range(3):
        n, m, d = sizes(g, 1, 40), sizes(g, 1, 40), sizes(g, 1, 24)
        yield case(f"random {n} against {m} in {d}-D", *pair(g, n, m, d, scale=2.0))
    yield case("large: 400 against 300 in 32-D", *pair(g, 400, 300, 32))


CHECK = Check(reference=reference, cases=cases, evaluate=evaluate)
