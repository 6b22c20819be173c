"""act3.lora: a low-rank adapter around a frozen nn.Linear (a class puzzle, built in the child
by harness.py). The judge loads its own adapters through state_dict and compares the output,
the adapters' gradients and merged() with a float64 reference; the trainable names, the frozen
base and the adapters' initial values are read off the module from outside."""

import torch

from game.engine.checks import Case, Check, Mismatch, describe, floats

KEYS = ["base.bias", "base.weight", "lora_A", "lora_B"]


def pack(g, out_f, in_f, rank, x_shape, dtype=torch.float32, transpose_x=False):
    x = floats(g, x_shape[::-1] if transpose_x else x_shape, dtype)
    if transpose_x:
        x = x.t()
    return {"weight": floats(g, (out_f, in_f), dtype, 0.5), "bias": floats(g, (out_f,), dtype),
            "x": x, "A": floats(g, (rank, in_f), dtype, 0.5),
            "B": floats(g, (out_f, rank), dtype, 0.5), "up": floats(g, tuple(x.shape[:-1])
                                                                    + (out_f,), dtype)}


def expected_report(p, rank, alpha):
    w, b, a, bb = (p[k].double() for k in ("weight", "bias", "A", "B"))
    a.requires_grad_(True)
    bb.requires_grad_(True)
    x = p["x"].double()
    y = x @ w.T + b + (x @ a.T @ bb.T) * (alpha / rank)
    grad_a, grad_b = torch.autograd.grad(y, (a, bb), p["up"].double())
    merged = w + (alpha / rank) * bb.detach() @ a.detach()
    return {"y": y.detach(), "grad_A": grad_a, "grad_B": grad_b, "merged_weight": merged,
            "merged_bias": b}


def reference():
    """For a class puzzle the judge builds reference(*case.init) (no arguments here) and calls
    what it returns on the case's arguments, as it does the player's module through the harness."""
    return expected_report


def cases(g):
    yield Case("example: Linear(6, 4), rank 2, alpha 4, x (3, 6)",
               pack(g, 4, 6, 2, (3, 6)), 2, 4.0, example=True)
    yield Case("rank 1, x a single vector (6,)", pack(g, 5, 6, 1, (6,)), 1, 1.0)
    yield Case("float64, x (2, 3, 8)", pack(g, 8, 8, 4, (2, 3, 8), torch.float64), 4, 8.0,
               note="the adapters must take the base layer's dtype")
    yield Case("a wide layer, rank 8, alpha 16", pack(g, 24, 40, 8, (5, 40)), 8, 16.0,
               note="the scale is alpha / rank = 2 here")
    yield Case("x non-contiguous (a transposed view)",
               pack(g, 7, 3, 2, (4, 3), transpose_x=True), 2, 3.0)


def _t(x):
    return type(x) is torch.Tensor


def _close(name, want, got, dtype):
    if not _t(got):
        return Mismatch("type", f"{name}: expected a tensor, got {describe(got)}")
    if tuple(got.shape) != tuple(want.shape):
        return Mismatch("shape", f"{name}: expected shape {tuple(want.shape)}, got "
                        f"{tuple(got.shape)}", str(tuple(want.shape)), str(tuple(got.shape)))
    tol = {"rtol": 1e-4, "atol": 1e-5} if dtype == torch.float32 else {"rtol": 1e-7,
                                                                      "atol": 1e-9}
    if not torch.allclose(got.double(), want, **tol):
        diff = (got.double() - want).abs()
        at = tuple(int(i) for i in (diff == diff.max()).nonzero()[0])
        return Mismatch("values", f"{name} differs from the reference; largest difference "
                        f"{float(diff.max()):.3g} at {at}", describe(want), describe(got))
    return None


def evaluate(case, expected, got, ctx):
    p, rank, _ = case.args
    out_f, in_f = p["weight"].shape
    dtype = p["weight"].dtype
    if not isinstance(got, dict) or "keys" not in got:
        return Mismatch("type", "the judge could not read your module", "", describe(got))
    if got["keys"] != KEYS:
        return Mismatch("values", f"state_dict keys must be exactly {', '.join(KEYS)}; yours are "
                        f"{', '.join(got['keys']) or 'none'} (keep the layer as self.base and "
                        "register lora_A and lora_B as nn.Parameter attributes)")
    if got["trainable"] != ["lora_A", "lora_B"]:
        return Mismatch("values", "only lora_A and lora_B may require gradients; trainable: "
                        f"{', '.join(got['trainable']) or 'nothing'} (freeze base.weight and "
                        "base.bias with requires_grad_(False))")
    a0, b0 = got["init_A"], got["init_B"]
    for name, t, shape in (("lora_A", a0, (rank, in_f)), ("lora_B", b0, (out_f, rank))):
        if tuple(t.shape) != shape:
            return Mismatch("shape", f"{name} must be {shape}, yours is {tuple(t.shape)}",
                            str(shape), str(tuple(t.shape)))
        if t.dtype != dtype:
            return Mismatch("dtype", f"{name} must have the base layer's dtype {dtype}, yours "
                            f"is {t.dtype}", str(dtype), str(t.dtype))
    if bool((b0 != 0).any()):
        return Mismatch("values", "lora_B must start at zeros, so that a fresh adapter leaves the "
                        "layer's output exactly as it was")
    if not bool((a0 != 0).any()):
        return Mismatch("values", "lora_A must start random (non-zero): with A and B both zero, "
                        "neither ever gets a gradient")
    if (m := _close("forward(x)", expected["y"], got["y"], dtype)) is not None:
        return m
    if got["y"].dtype != dtype:
        return Mismatch("dtype", f"forward(x) must keep the dtype {dtype}, got {got['y'].dtype}")
    if any(got["base_grads"]):
        return Mismatch("gradient", "after backward, base.weight.grad and base.bias.grad must be "
                        "None: the base layer is frozen")
    for name in ("grad_A", "grad_B"):
        if got[name] is None:
            return Mismatch("gradient", f"{name.replace('grad_', 'lora_')} got no gradient")
        if (m := _close(f"the gradient of {name.replace('grad_', 'lora_')}", expected[name],
                        got[name], dtype)) is not None:
            return Mismatch("gradient", m.message, m.expected, m.actual)
    if got["merged_type"] != "torch.nn.modules.linear.Linear":
        return Mismatch("type", f"merged() must return an nn.Linear, not {got['merged_type']}")
    if got["self_changed"]:
        return Mismatch("values", "merged() changed the adapter itself ("
                        f"{', '.join(got['self_changed'])}); build a new layer instead")
    if any(got["merged_shares"]):
        which = "weight" if got["merged_shares"][0] else "bias"
        return Mismatch("values", f"the merged layer's {which} shares storage with the adapter: "
                        "train the adapter further and the merged layer changes too; copy it")
    if (m := _close("merged().weight", expected["merged_weight"], got["merged_weight"],
                    dtype)) is not None:
        return m
    if got["merged_bias"] is None:
        return Mismatch("values", "merged() has no bias; the base layer has one")
    if (m := _close("merged().bias", expected["merged_bias"], got["merged_bias"], dtype)):
        return m
    return _close("merged()(x)", expected["y"], got["merged_y"], dtype)


CHECK = Check(reference=reference, cases=cases, evaluate=evaluate, inputs_on_device=False)
