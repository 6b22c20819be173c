"""act2.grad_accumulation: one optimizer step from micro-batches that equals the full-batch
step, under a peak-memory budget that the full batch exceeds. The judge takes the full-batch
step itself and compares the parameters; wrong parameters are matched against the usual
accumulation mistakes so that the message can name the one made."""

import importlib.util
from pathlib import Path

import torch
import torch.nn.functional as F

from game.engine.checks import Case, Check, Mismatch, floats
from game.engine.compare import compare_tensors

_spec = importlib.util.spec_from_file_location("act2_grad_accumulation_harness",
                                               Path(__file__).with_name("harness.py"))
assert _spec is not None and _spec.loader is not None
harness = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(harness)

RTOL, ATOL = 1e-4, 1e-6


def _step(state, config, x, y, micro, mistake=None):
    """The full-batch step (mistake None), or what a given accumulation mistake gives."""
    model, opt = harness.build(state, config)
    for p, stale in zip(model.parameters(), config["stale"], strict=True):
        p.grad = stale.clone()
    if mistake != "stale":
        opt.zero_grad()
    if mistake in (None, "stale"):
        F.cross_entropy(model(x), y).backward()
        opt.step()
        return {k: v.detach().clone() for k, v in model.state_dict().items()}
    chunks = list(zip(x.split(micro), y.split(micro), strict=True))
    for xs, ys in chunks:
        loss = F.cross_entropy(model(xs), ys)
        if mistake == "equal":
            loss = loss / len(chunks)
        elif mistake == "by_micro":
            loss = loss * len(xs) / micro
        elif mistake == "last":
            opt.zero_grad()
            loss = loss * len(xs) / len(x)
        elif mistake == "last_mean":
            opt.zero_grad()
        elif mistake == "every":
            opt.zero_grad()
            loss = loss * len(xs) / len(x)
        loss.backward()
        if mistake == "every":
            opt.step()
    if mistake != "every":
        opt.step()
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def reference(state, config, x, y, micro_batch):
    return _step(state, config, x, y, micro_batch)


MISTAKES = {
    "equal": "you divided every micro-batch's loss by the number of micro-batches, but the "
             "last one is smaller: weight each by its share of the batch, len(xs) / len(x)",
    "summed": "the micro-batch losses were summed unscaled: each is a mean over its own rows, "
              "so weight it by len(xs) / len(x) before backward",
    "by_micro": "you scaled each loss by len(xs) / micro_batch; the denominator is the whole "
                "batch, len(x)",
    "last": "only the last micro-batch's gradient reached the step: zero the gradients once, "
            "before the first micro-batch, not inside the loop",
    "last_mean": "only the last micro-batch's gradient reached the step: zero the gradients "
                 "once, before the first micro-batch, not inside the loop",
    "every": "you stepped the optimizer after every micro-batch; accumulation takes one step, "
             "after the last backward",
    "stale": "the gradients left in .grad before your call were added to yours: call "
             "optimizer.zero_grad() before the first backward",
}


def _case(g, name, n, micro, *, features=64, hidden=256, classes=10, lr=0.5, momentum=0.9,
          weight_decay=1e-4, example=False, note=""):
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(int(torch.randint(0, 2**31 - 1, (1,), generator=g)))
        model = harness.make_model(features, hidden, classes)
    state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    stale = [floats(g, tuple(p.shape)) * 0.05 for p in model.parameters()]
    config = {"lr": lr, "momentum": momentum, "weight_decay": weight_decay, "stale": stale}
    centres = floats(g, (classes, features))
    y = torch.randint(0, classes, (n,), generator=g)
    x = centres[y] * 0.5 + floats(g, (n, features))
    return Case(name, state, config, x, y, micro, example=example, note=note)


def cases(g):
    yield _case(g, "example: 10 patients in micro-batches of 4", 10, 4, features=6, hidden=8,
                classes=3, example=True, note="micro-batches of 4, 4 and 2")
    yield _case(g, "micro-batches that divide the batch", 12, 3, features=5, hidden=7, classes=4)
    yield _case(g, "one micro-batch holds everything", 9, 16, features=4, hidden=6, classes=2)
    yield _case(g, "micro-batches of one", 7, 1, features=3, hidden=5, classes=3)
    yield _case(g, "3,000 records in micro-batches of 256", 3000, 256,
                note="eleven micro-batches of 256 and a last one of 184; the whole batch at "
                "once does not fit the memory budget")


def evaluate(case, expected, got, ctx):
    if not isinstance(got, dict) or set(got) != set(expected):
        return Mismatch("type", "the harness did not get the model's parameters back")
    for key, want in expected.items():
        have = got[key]
        if type(have) is not torch.Tensor:
            return Mismatch("type", f"{key}: not a tensor")
        found = compare_tensors(want, have, path=f"parameter {key} after the step",
                                exact=False, rtol=RTOL, atol=ATOL)
        if found is None:
            continue
        if found.kind == "values":
            before = case.args[0][key]
            if compare_tensors(before, have, path=key, exact=True, rtol=None,
                               atol=None) is None:
                found.message = (f"parameter {key} did not move: call optimizer.step() once "
                                 "the micro-batches are done")
                return found
            for mistake, sentence in MISTAKES.items():
                alt = _step(*case.args, mistake=mistake)[key]
                if compare_tensors(alt, have, path=key, exact=False, rtol=RTOL,
                                   atol=ATOL) is None:
                    return Mismatch("values", f"{sentence} ({found.message})", found.expected,
                                    found.actual)
        return found
    return None


CHECK = Check(reference=reference, cases=cases, evaluate=evaluate)
