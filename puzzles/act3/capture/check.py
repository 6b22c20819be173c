"""act3.capture: forward hooks on a model that is not a simple chain, and nothing left behind.

The model is built in the child by harness.py (the same file builds it here), so what the judge
verifies comes from outside the submission: the captured values against its own capture, the
hooks still registered, every module's mode, the requires_grad flags, the parameters and
buffers, whether the returned tensors carry a graph, and, for an unknown name, whether the
model ran before the KeyError.
"""

from pathlib import Path

import torch

from game.engine.checks import Case, Check, Mismatch, describe, floats

_HARNESS: dict = {"__name__": "act3_capture_models"}
exec(compile(Path(__file__).with_name("harness.py").read_text(encoding="utf-8"),
             str(Path(__file__).with_name("harness.py")), "exec"), _HARNESS)
build = _HARNESS["build"]


def _capture(model, x, names):
    modules = dict(model.named_modules())
    captured = {}

    def keep(name):
        def hook(module, args, output):
            captured.setdefault(name, output.detach().clone())
        return hook

    handles = [modules[n].register_forward_hook(keep(n)) for n in names]
    with torch.no_grad():
        model(x)
    for h in handles:
        h.remove()
    return captured


def reference(spec, x, names):
    model = build(spec, x.dtype)
    state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    if spec.get("unknown"):
        return {"state": state}
    return {"out": _capture(model, x, names), "state": state}


def cases(g):
    def spec(arch, **more):
        return {"arch": arch, "seed": int(torch.randint(0, 2**31 - 1, (1,), generator=g)),
                **more}

    yield Case("example: the tower's embedding and head", spec("tower"), floats(g, (4, 8)),
               ["embed", "head"], example=True,
               note="the tower applies relu_ in place to embed's output after it returns")
    yield Case("a block called from a loop, a norm called twice, the whole model",
               spec("tower"), floats(g, (5, 8)), ["block", "block.0", "norm", ""],
               note="a module called more than once keeps the output of its first call")
    yield Case("the hourglass: skip connection, batch norm, in-place updates",
               spec("hourglass"), floats(g, (6, 8), torch.float64),
               ["act", "drop", "bn", "up", ""],
               note="act runs twice (its first output is wanted); up's output is changed in "
                    "place by y += x afterwards")
    yield Case("a single sample through the hourglass", spec("hourglass"), floats(g, (1, 8)),
               ["down1", "down2"])
    yield Case("no names at all", spec("tower"), floats(g, (2, 8)), [])
    yield Case("an unknown name", spec("tower", unknown=True), floats(g, (3, 8)),
               ["embed", "encoder.3"],
               note="raise KeyError before the model runs, and leave it untouched")
    yield Case("an unknown name after known ones", spec("hourglass", unknown=True),
               floats(g, (3, 8)), ["down1", "bn", "down3"])


def _after(got, expected):
    """What must hold in every case: the model exactly as found."""
    if got["hooks"]:
        return Mismatch("values", f"{got['hooks']} hook(s) are still registered on the model "
                        "afterwards: remove every handle (handle.remove()), even when the "
                        "model raises")
    if got["modes"]:
        shown = ", ".join(repr(n) for n in got["modes"][:4])
        return Mismatch("values", f"the model was given in eval mode, but afterwards "
                        f"{shown} {'is' if len(got['modes']) == 1 else 'are'} in training mode")
    if got["frozen"]:
        return Mismatch("values", "afterwards these parameters no longer require gradients: "
                        f"{', '.join(got['frozen'][:4])}; leave requires_grad alone")
    for key, want in expected["state"].items():
        have = got["state"].get(key)
        if type(have) is not torch.Tensor or have.shape != want.shape or not torch.equal(
                have, want):
            return Mismatch("values", f"the model's {key} changed while you captured: leave "
                            "its parameters and buffers exactly as they were (a batch norm "
                            "in training mode updates its running statistics)")
    return None


def evaluate(case, expected, got, ctx):
    spec, x, names = case.args
    if not isinstance(got, dict) or "calls" not in got:
        return Mismatch("type", "the judge could not read the result", "", describe(got))
    if spec.get("unknown"):
        if got["raised"] != "KeyError":
            return Mismatch("values", "an unknown name must raise KeyError; yours returned "
                            "normally")
        if got["calls"]:
            return Mismatch("values", "KeyError was raised only after the model had run: "
                            "check every name before you register a hook or call the model")
        return _after(got, expected)
    out = got["out"]
    if not isinstance(out, dict) or "__unsupported__" in out:
        return Mismatch("type", f"return a dict of tensors, got {describe(out)}")
    if set(out) != set(names):
        return Mismatch("values", f"the dict's keys must be exactly the names asked for, "
                        f"{sorted(names)}; yours are {sorted(out)}")
    for name in names:
        want, have = expected["out"][name], out[name]
        label = repr(name) if name else "'' (the whole model)"
        if type(have) is not torch.Tensor:
            return Mismatch("type", f"{label}: expected a tensor, got {describe(have)}")
        if have.shape != want.shape or have.dtype != want.dtype:
            kind = "shape" if have.shape != want.shape else "dtype"
            return Mismatch(kind, f"{label}: expected {describe(want)}, got {describe(have)}",
                            describe(want), describe(have))
        if not torch.allclose(have, want, rtol=1.3e-6 if want.dtype == torch.float32 else 1e-7,
                              atol=1e-5 if want.dtype == torch.float32 else 1e-7):
            return Mismatch("values", f"{label}: the values differ from that module's output "
                            "when it returned", describe(want), describe(have))
    if got.get("graph"):
        return Mismatch("values", "these captured tensors still carry an autograd graph: "
                        f"{', '.join(repr(n) for n in got['graph'][:4])}; detach them (or run "
                        "under torch.no_grad())")
    return _after(got, expected)


CHECK = Check(reference=reference, cases=cases, evaluate=evaluate, inputs_on_device=False)
