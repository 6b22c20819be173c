"""act3.honest_eval: accuracy weighted by samples, in eval mode, without gradients, with the
model's mode restored. The model and its DataLoader are built in the child by harness.py (the
same file builds the model here); the labels are chosen so that averaging per-batch accuracies
over the uneven last batch gives a visibly different number."""

from pathlib import Path

import torch

from game.engine.checks import Case, Check, Mismatch, describe, floats

_HARNESS: dict = {"__name__": "act3_honest_eval_models"}
exec(compile(Path(__file__).with_name("harness.py").read_text(encoding="utf-8"),
             str(Path(__file__).with_name("harness.py")), "exec"), _HARNESS)
build = _HARNESS["build"]


def make(g, name, n, batch_size, training, example=False):
    spec = {"seed": int(torch.randint(0, 2**31 - 1, (1,), generator=g)), "d": 6,
            "classes": 4, "batch_size": batch_size, "training": training}
    x = floats(g, (n, 6))
    model = build(spec).eval()
    with torch.no_grad():
        y = model(x).argmax(dim=1)
    # About a quarter of the labels are wrong, and every label of the last, short batch.
    wrong = torch.rand(n, generator=g) < 0.25
    last = n % batch_size
    if last and n > last:
        wrong[n - last:] = True
    y = torch.where(wrong, (y + 1) % 4, y)
    return Case(name, spec, {"x": x, "y": y}, example=example)


def cases(g):
    yield make(g, "example: 103 samples in batches of 25, model in training mode", 103, 25,
               True, example=True)
    yield make(g, "the same, model in eval mode", 103, 25, False)
    yield make(g, "10 samples in batches of 4", 10, 4, True)
    yield make(g, "one full batch", 64, 64, False)
    yield make(g, "one sample, batch size 8", 1, 8, True)


def reference(spec, data):
    model = build(spec)
    state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    with torch.no_grad():
        pred = model.eval()(data["x"]).argmax(dim=1)
    return {"value": float((pred == data["y"]).double().mean()), "state": state}


def evaluate(case, expected, got, ctx):
    spec = case.args[0]
    if not isinstance(got, dict) or "seen" not in got:
        return Mismatch("type", "the judge could not read the result", "", describe(got))
    value = got["value"]
    if type(value) is not float:
        return Mismatch("type", f"return a Python float, got {describe(value)} (a tensor's "
                        ".item() gives one)", "float", describe(value))
    if not got["seen"]:
        return Mismatch("values", "the model was never called")
    if any(training for training, _ in got["seen"]):
        return Mismatch("values", "the model ran in training mode: its dropout was on while "
                        "you scored it (call model.eval() first)")
    if any(grad for _, grad in got["seen"]):
        return Mismatch("values", "the model ran with gradients enabled: every forward built "
                        "an autograd graph nobody will use (wrap it in torch.no_grad())")
    want = expected["value"]
    if abs(value - want) > 1e-6:
        return Mismatch("values", f"accuracy is {want:.6f} ({round(want * len(case.args[1]['y']))}"
                        f" of {len(case.args[1]['y'])} samples right), you returned {value:.6f}",
                        f"{want:.6f}", f"{value:.6f}")
    was = "training" if spec["training"] else "eval"
    if any(mode != spec["training"] for mode in got["modes"]):
        return Mismatch("values", f"the model was in {was} mode when it reached you; leave it "
                        "in that mode (model.train(was_training))")
    for key, want_t in expected["state"].items():
        if not torch.equal(got["state"].get(key, torch.empty(0)), want_t):
            return Mismatch("values", f"evaluating changed the model's {key}")
    return None


CHECK = Check(reference=reference, cases=cases, evaluate=evaluate, inputs_on_device=False)
