"""act3.dead_units: remove the hidden units of a bloated MLP that never fire on the given data.

The judge counts the parameters of the returned state_dict itself, builds the smaller MLP from
it and compares its outputs on the data with the original's. The budget is the size of the MLP
that keeps exactly the units that fire; each case mixes units far below zero, units whose weights
and bias are exactly zero (ReLU(0) = 0: dead too), and units that fire on a single row.
"""

import torch
import torch.nn.functional as F

from game.engine.checks import Case, Check, Mismatch, describe, floats

KEYS = ("fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias")


def forward(state, x):
    return F.linear(F.relu(F.linear(x, state["fc1.weight"], state["fc1.bias"])),
                    state["fc2.weight"], state["fc2.bias"])


def alive(state, x):
    return (F.linear(x, state["fc1.weight"], state["fc1.bias"]) > 0).any(dim=0)


def bloated(g, d, hidden, out, n, dtype=torch.float32, transpose_x=False):
    x = floats(g, (d, n) if transpose_x else (n, d), dtype)
    if transpose_x:
        x = x.t()
    w1 = floats(g, (hidden, d), dtype, 0.5)
    b1 = floats(g, (hidden,), dtype, 0.5)
    role = torch.randint(0, 4, (hidden,), generator=g)  # 0 alive, 1 far below, 2 zero, 3 rare
    b1[role == 1] = -1e3
    w1[role == 2] = 0.0
    b1[role == 2] = 0.0
    if n:
        for u in (role == 3).nonzero().flatten().tolist():
            proj = x @ w1[u]
            top = proj.topk(min(2, n)).values
            b1[u] = -(top[0] + top[-1]) / 2 if n > 1 else -top[0] + 0.25
    else:
        b1[role == 3] = 0.5  # with no data, nothing can be seen to fire
    state = {"fc1.weight": w1, "fc1.bias": b1, "fc2.weight": floats(g, (out, hidden), dtype, 0.5),
             "fc2.bias": floats(g, (out,), dtype)}
    return state, x


def budget(state, x):
    k = int(alive(state, x).sum())
    d, o = state["fc1.weight"].shape[1], state["fc2.weight"].shape[0]
    return k * d + k + o * k + o


def cases(g):
    yield Case("example: 16 hidden units, 30 rows", *bloated(g, 4, 16, 3, 30), example=True)
    yield Case("a bloated layer: 512 hidden units", *bloated(g, 12, 512, 5, 256))
    yield Case("float64", *bloated(g, 6, 64, 2, 40, torch.float64))
    yield Case("a single row of data", *bloated(g, 5, 32, 3, 1),
               note="a unit that fires once is alive")
    yield Case("x non-contiguous (a transposed view)", *bloated(g, 8, 48, 4, 20,
                                                                transpose_x=True))
    yield Case("no data at all", *bloated(g, 3, 8, 2, 0),
               note="on zero rows no unit ever fires: every one goes")


def reference(state, x):
    return None


def evaluate(case, expected, got, ctx):
    state, x = case.args
    if isinstance(got, dict) and got.get("__unsupported__") == "collections.OrderedDict":
        return Mismatch("type", "return a plain dict: an OrderedDict (what state_dict() gives) "
                        "cannot travel back to the judge; wrap it in dict(...)")
    if not isinstance(got, dict) or "__unsupported__" in got:
        return Mismatch("type", f"return a dict of tensors (a state_dict), got {describe(got)}")
    if sorted(got) != sorted(KEYS):
        return Mismatch("values", f"the keys must be exactly {', '.join(KEYS)}; yours are "
                        f"{', '.join(map(str, got)) or 'none'}")
    for key in KEYS:
        if type(got[key]) is not torch.Tensor:
            return Mismatch("type", f"{key}: expected a tensor, got {describe(got[key])}")
        if got[key].dtype != state[key].dtype:
            return Mismatch("dtype", f"{key}: keep the dtype {state[key].dtype}, got "
                            f"{got[key].dtype}", str(state[key].dtype), str(got[key].dtype))
    d, o = state["fc1.weight"].shape[1], state["fc2.weight"].shape[0]
    k = got["fc1.bias"].shape[0] if got["fc1.bias"].dim() == 1 else -1
    shapes = {"fc1.weight": (k, d), "fc1.bias": (k,), "fc2.weight": (o, k), "fc2.bias": (o,)}
    for key, shape in shapes.items():
        if tuple(got[key].shape) != shape:
            return Mismatch("shape", f"{key} is {tuple(got[key].shape)}; with {k} hidden "
                            f"units kept it must be {shape} (fc1 loses rows, fc2 loses "
                            "columns)", str(shape), str(tuple(got[key].shape)))
    want, mine = forward(state, x), forward(got, x)
    tol = {"rtol": 1e-5, "atol": 1e-5} if x.dtype == torch.float32 else {"rtol": 1e-10,
                                                                         "atol": 1e-10}
    if not torch.allclose(mine, want, **tol):
        diff = (mine - want).abs()
        row = int(diff.max(dim=1).values.argmax())
        return Mismatch("values", f"the smaller MLP's outputs on x differ from the original's "
                        f"(largest difference {float(diff.max()):.3g}, at row {row}): a unit "
                        "that fired on some row was removed, or the wrong weights were kept",
                        describe(want), describe(mine))
    count = sum(t.numel() for t in got.values())
    limit = budget(state, x)
    if count > limit:
        return Mismatch("budget", f"outputs match, but the smaller MLP has {count:,} parameters "
                        f"({k} hidden units); keeping only the units that fire gives {limit:,}",
                        f"<= {limit:,}", f"{count:,}")
    return None


CHECK = Check(reference=reference, cases=cases, evaluate=evaluate, inputs_on_device=False)
