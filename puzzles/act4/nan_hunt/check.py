"""act4.nan_hunt: the first module, in the order outputs are produced, whose output is not
finite. The judge plants the fault (huge weights, a zero temperature, a NaN input) in weights
it builds itself; the model's architecture is the harness's, loaded here from the same file."""

import importlib.util
from pathlib import Path

import torch

from game.engine.checks import Case, Check, Mismatch

_spec = importlib.util.spec_from_file_location("torchenstein_nan_hunt_harness",
                                               Path(__file__).with_name("harness.py"))
lab = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(lab)


def culprit(model: torch.nn.Module, x: torch.Tensor) -> str:
    names = {m: n for n, m in model.named_modules()}
    found: list[str] = []

    def hook(module, args, out):
        if not found and not bool(torch.isfinite(out).all()):
            found.append(names[module])

    handles = [m.register_forward_hook(hook) for m in names]
    try:
        with torch.no_grad():
            model(x)
    finally:
        for h in handles:
            h.remove()
    return found[0] if found else ""


def reference(state, x):
    return culprit(lab.build(state), x), 0


def fresh(g) -> dict[str, torch.Tensor]:
    seed = int(torch.randint(0, 2**31 - 1, (1,), generator=g))
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = lab.Lab()
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def cases(g):
    def x(n=5):
        return torch.randn(n, 4, generator=g)

    state = fresh(g)
    state["blocks.1.temperature"] = torch.tensor(0.0)
    yield Case("example: a temperature of zero", state, x(), example=True,
               note="blocks.1.lin and blocks.1.norm are finite; the block's own division "
                    "by its temperature makes the inf")
    yield Case("all finite", fresh(g), x(), note="nothing to find: return ''")
    state = fresh(g)
    state["blocks.0.lin.bias"][2] = float("inf")
    yield Case("inf first, NaN after it", state, x(),
               note="blocks.0.lin overflows to inf; LayerNorm then turns inf into NaN")
    state = fresh(g)
    state["blocks.1.temperature"] = torch.tensor(1e-37)
    state["shared.weight"] = state["shared.weight"] * 1e4
    yield Case("the shared layer's second call", state, x(),
               note="shared runs twice: finite the first time, inf the second")
    state = fresh(g)
    state["shared.bias"] = torch.full((8,), 50.0)  # what reaches the head is positive
    state["head.1.weight"] = torch.full((2, 8), 3e38)
    yield Case("deep in the head", state, x(),
               note="every module before head.1 is finite; its weights of 3e38 overflow")
    state = fresh(g)
    bad = x(6)
    bad[3, 2] = float("nan")
    yield Case("a NaN in the input", state, bad, note="the first module to see it is embed")
    state = fresh(g)
    yield Case("an inf in the input, one sample of one", state,
               torch.tensor([[0.5, float("inf"), -1.0, 2.0]]))


def evaluate(case, expected, got, ctx):
    want, _ = expected
    if not (isinstance(got, tuple) and len(got) == 2 and type(got[0]) is str):
        return Mismatch("type", "first_nonfinite must return a str")
    name, left = got
    if name != want:
        shown = repr(name) if name else "'' (all finite)"
        return Mismatch("values", f"you named {shown}, but the first module whose output is "
                        f"not finite is {want!r}" if want else
                        f"every output is finite, yet you named {shown}", repr(want), repr(name))
    if left:
        return Mismatch("values", f"the right name, but {left} hook(s) were left on the model: "
                        "remove them (the handle's .remove()) before returning")
    return None


CHECK = Check(reference=reference, cases=cases, evaluate=evaluate, inputs_on_device=False)
