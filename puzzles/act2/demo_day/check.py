"""act2.demo_day: predict(model, x) gives the eval-mode output, builds no autograd graph, and
leaves the model exactly as it was found: every submodule's mode, every parameter's
requires_grad, every buffer. The harness builds the model in the child and reports all of it."""

import importlib.util
from pathlib import Path

import torch

from game.engine.checks import Case, Check, Mismatch, floats
from game.engine.compare import compare_tensors

_spec = importlib.util.spec_from_file_location("act2_demo_day_harness",
                                               Path(__file__).with_name("harness.py"))
assert _spec is not None and _spec.loader is not None
harness = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(harness)

NAMES = ["the model (Sequential)", "Linear(6, 16)", "BatchNorm1d(16)", "ReLU", "Dropout(0.3)",
         "Linear(16, 3)"]


def reference(spec, x):
    model = harness.build(spec)
    model.eval()
    with torch.no_grad():
        out = model(x)
    return {"output": out, "modes": spec["modes"].clone(),
            "requires_grad": torch.ones(len(list(model.parameters())), dtype=torch.bool),
            "state": {k: v.clone() for k, v in spec["state"].items()},
            "graph": torch.tensor([0, 0, 0])}


def _trained_state(g):
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(int(torch.randint(0, 2**31 - 1, (1,), generator=g)))
        model = harness.make_model()
    state = model.state_dict()
    state["1.running_mean"] = floats(g, (16,)) * 0.5
    state["1.running_var"] = torch.rand(16, generator=g) + 0.5
    state["1.weight"] = floats(g, (16,)) * 0.2 + 1
    state["1.num_batches_tracked"] = torch.tensor(500)
    return {k: v.detach().clone() for k, v in state.items()}


def _case(g, name, modes, n, example=False, note=""):
    spec = {"state": _trained_state(g), "modes": torch.tensor(modes)}
    return Case(name, spec, floats(g, (n, 6)), example=example, note=note)


def cases(g):
    yield _case(g, "example: handed over in training mode", [True] * 6, 5, example=True)
    yield _case(g, "handed over in eval mode", [False] * 6, 4)
    yield _case(g, "training, with the batch norm frozen (in eval mode)",
                [True, True, False, True, True, True], 8,
                note="each submodule keeps its own mode")
    yield _case(g, "eval, with dropout left on (Monte Carlo dropout)",
                [False, False, False, False, True, False], 6)
    yield _case(g, "a waiting room of 64 patients", [True] * 6, 64)


def evaluate(case, expected, got, ctx):
    if not isinstance(got, dict) or set(got) != set(expected):
        return Mismatch("type", "the harness did not get its record back")
    saved, needs_grad, has_fn = (int(v) for v in got["graph"])
    if saved or needs_grad or has_fn:
        return Mismatch("values", f"your call built an autograd graph ({saved} tensors saved "
                        "for a backward that will never come): run the forward under "
                        "torch.no_grad() or torch.inference_mode(); a .detach() afterwards is "
                        "too late")
    want, have = expected["modes"].tolist(), got["modes"].tolist()
    if want != have:
        i = next(i for i, (a, b) in enumerate(zip(want, have, strict=True)) if a != b)
        mode = {True: "training", False: "eval"}
        extra = ""
        if len(set(want)) > 1 and len(set(have)) == 1:
            extra = (" — model.train(flag) sets every submodule to the same flag: remember "
                     "and restore each submodule's own mode")
        return Mismatch("values", f"{NAMES[i]} was in {mode[want[i]]} mode when you got the "
                        f"model and you left it in {mode[have[i]]} mode{extra}")
    if not bool(got["requires_grad"].all()):
        return Mismatch("values", "you left parameters with requires_grad=False: the model "
                        "must be returned as you found it (torch.no_grad() needs no change to "
                        "the parameters)")
    for key, value in expected["state"].items():
        mine = got["state"].get(key) if isinstance(got["state"], dict) else None
        if type(mine) is not torch.Tensor or compare_tensors(
                value, mine, path=key, exact=True, rtol=None, atol=None) is not None:
            return Mismatch("values", f"{key} changed during your call: a forward in training "
                            "mode updates BatchNorm's running statistics — switch to eval "
                            "mode before predicting")
    found = compare_tensors(expected["output"], got["output"], path="output", exact=False,
                            rtol=None, atol=None)
    if found is not None and found.kind == "values":
        probs = torch.softmax(expected["output"], dim=1)
        if compare_tensors(probs, got["output"], path="output", exact=False, rtol=None,
                           atol=None) is None:
            found.message += (" — these are probabilities (a softmax of the output); return "
                              "the model's own output")
        else:
            found.message += (" — not the eval-mode output: in training mode dropout zeroes "
                              "units at random and BatchNorm uses the batch's own statistics")
    return found


CHECK = Check(reference=reference, cases=cases, evaluate=evaluate)
