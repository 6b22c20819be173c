"""act1.forgetting: Monday's network knows task A; learn task B without forgetting it.

The judge trains the network on task A itself and hands the player its weights and twenty
samples of A: the rest of task A never enters the player's process, so "at most twenty
remembered samples" is a fact, not a promise. Held-out labels never leave the judge either.

Figures: the player's process returns only its final labels, so the judge cannot see how the
player's training went step by step. The curves are the judge's own two runs from the same
Monday weights and seed (plain fine-tuning on B, and B with the pocket replayed), measured on
the held-out samples; the player's run appears as what the judge measured of its final labels:
its accuracy on A and on B, and the held-out points coloured by the label it gave them.
"""

import math

import torch
import torch.nn.functional as F
from torch import nn

from game.core.figures import Scatter, Series
from game.engine.checks import Case, Check, Context, Mismatch

THRESHOLD = 0.80
PER_CLASS = 100       # training samples per class
EVAL_PER_CLASS = 50   # held-out samples per class
MEMORY_PER_CLASS = 10  # task A samples in Victor's pocket
MONDAY_STEPS = 100
TUESDAY_STEPS = 200   # the Professor's solution trains this long on task B
CURVE_EVERY = 5       # steps between two points of the judge's curves


def make_model() -> nn.Module:
    """The architecture of the starter's make_model()."""
    return nn.Sequential(nn.Linear(2, 32), nn.LeakyReLU(),
                         nn.Linear(32, 32), nn.LeakyReLU(),
                         nn.Linear(32, 4))


def monday(xa, ya, seed):
    """Task A learnt the plain way; the state_dict the player starts from. The judge's global
    random state is left as it was."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = make_model()
        opt = torch.optim.Adam(model.parameters(), lr=0.01)
        for _ in range(MONDAY_STEPS):
            opt.zero_grad()
            F.cross_entropy(model(xa), ya).backward()
            opt.step()
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def tasks(g):
    """Four Gaussian blobs in the plane, two rows of two: task A (classes 0, 1) is one row,
    task B (classes 2, 3) the row beside it, 3 units away. Rotation, shift and spread are
    random; the classes are always well separated (a joint classifier scores about 99 %)."""
    theta = float(torch.rand((), generator=g)) * 2 * math.pi
    spread = 0.40 + 0.15 * float(torch.rand((), generator=g))
    base = torch.tensor([[-2.5, 0.0], [2.5, 0.0], [-2.5, 3.0], [2.5, 3.0]])
    base = base - base.mean(0)
    rot = torch.tensor([[math.cos(theta), -math.sin(theta)], [math.sin(theta), math.cos(theta)]])
    centres = base @ rot.T + torch.randn(2, generator=g)

    def draw(classes, per):
        y = torch.tensor(classes).repeat_interleave(per)
        x = centres[y] + torch.randn(len(y), 2, generator=g) * spread
        order = torch.randperm(len(y), generator=g)
        return x[order].contiguous(), y[order].contiguous()

    xa, ya = draw([0, 1], PER_CLASS)
    xb, yb = draw([2, 3], PER_CLASS)
    x_eval, y_eval = draw([0, 1, 2, 3], EVAL_PER_CLASS)
    pocket = torch.cat([(ya == c).nonzero().flatten()[
        torch.randperm(PER_CLASS, generator=g)[:MEMORY_PER_CLASS]] for c in (0, 1)])
    pocket = pocket[torch.randperm(len(pocket), generator=g)]
    state = monday(xa, ya, int(torch.randint(0, 2**31 - 1, (1,), generator=g)))
    seed = int(torch.randint(0, 2**31 - 1, (1,), generator=g))
    args = (state, xa[pocket].contiguous(), ya[pocket].contiguous(), xb, yb, x_eval, seed)
    return args, y_eval


def tuesday_curves(state, memory_x, memory_y, xb, yb, x_eval, y_eval, seed):
    """The judge's two runs on task B from Monday's weights: with the pocket replayed at every
    step (the Professor's way) and plain fine-tuning. Every CURVE_EVERY steps, accuracy and
    cross-entropy on the held-out samples of each task. The global random state is kept."""
    on_a = y_eval < 2
    runs = {}
    with torch.random.fork_rng(devices=[]):
        for name, replay in (("replay", True), ("no replay", False)):
            torch.manual_seed(seed)
            model = make_model()
            model.load_state_dict(state)
            opt = torch.optim.Adam(model.parameters(), lr=0.01)
            curves: dict[str, list[float]] = {"acc A": [], "acc B": [], "loss A": [],
                                              "loss B": []}
            for step in range(TUESDAY_STEPS + 1):
                if step % CURVE_EVERY == 0:
                    with torch.no_grad():
                        logits = model(x_eval)
                        right = (logits.argmax(dim=1) == y_eval).double()
                        for task, mask in (("A", on_a), ("B", ~on_a)):
                            curves[f"acc {task}"].append(float(right[mask].mean()))
                            curves[f"loss {task}"].append(
                                float(F.cross_entropy(logits[mask], y_eval[mask])))
                if step == TUESDAY_STEPS:
                    break
                opt.zero_grad()
                loss = F.cross_entropy(model(xb), yb)
                if replay:
                    loss = loss + F.cross_entropy(model(memory_x), memory_y)
                loss.backward()
                opt.step()
            runs[name] = curves
    return runs


def add_figures(case, got, ctx: Context) -> None:
    """The judge's curves, with what it measured of the player's labels when they are labels."""
    labels = case.data["labels"]
    state, memory_x, memory_y, xb, yb, x_eval, seed = case.args
    runs = tuesday_curves(state, memory_x, memory_y, xb, yb, x_eval, labels, seed)
    steps = list(range(0, TUESDAY_STEPS + 1, CURVE_EVERY))
    valid = (type(got) is torch.Tensor and tuple(got.shape) == (len(labels),)
             and got.dtype == torch.int64 and bool(((got >= 0) & (got <= 3)).all()))
    marks = {}
    if valid:
        got = got.cpu()
        for task, mask in (("A", labels < 2), ("B", labels >= 2)):
            marks[f"yours, final: task {task}"] = float((got[mask] == labels[mask]).double().mean())
    ctx.add_figure(Series(
        title="Held-out accuracy while learning task B", y_label="accuracy", x=steps,
        lines={"Professor's replay: task A": runs["replay"]["acc A"],
               "Professor's replay: task B": runs["replay"]["acc B"],
               "plain fine-tuning: task A": runs["no replay"]["acc A"]}, marks=marks))
    ctx.add_figure(Series(
        title="Held-out loss while learning task B", y_label="cross-entropy", x=steps,
        lines={"Professor's replay: task A": runs["replay"]["loss A"],
               "Professor's replay: task B": runs["replay"]["loss B"],
               "plain fine-tuning: task A": runs["no replay"]["loss A"]}))
    if valid:
        # Every class keeps its group (and so its colour), even one the player never gave.
        groups = {f"labelled {c}": [(float(px), float(py)) for px, py in x_eval[got == c].tolist()]
                  for c in range(4)}
        ctx.add_figure(Scatter(title="Your labels for the held-out samples", groups=groups))


def cases(g):
    for i in range(5):
        args, labels = tasks(g)
        name = "example: Monday's network and two new blobs" if i == 0 else f"random tasks #{i}"
        yield Case(name, *args, example=i == 0, data={"labels": labels})


def _counts(pred):
    values, counts = torch.unique(pred, return_counts=True)
    return ", ".join(f"{int(v)}: {int(c)}" for v, c in zip(values, counts, strict=True))


def evaluate(case, expected, got, ctx):
    if case.example:
        add_figures(case, got, ctx)
    labels = case.data["labels"]
    n = len(labels)
    if type(got) is not torch.Tensor:
        what = got.get("__unsupported__") if isinstance(got, dict) else type(got).__name__
        return Mismatch("type", f"return a torch.Tensor of labels, not a {what}")
    if tuple(got.shape) != (n,):
        hint = ""
        if got.dim() == 2 and got.shape[0] == n and got.shape[1] > 1:
            hint = " — that looks like one score per class (logits): the label is the " \
                   "index of the largest score, .argmax(dim=1)"
        elif got.dim() == 2 and tuple(got.shape) == (n, 1):
            hint = " — drop the extra dimension (argmax without keepdim=True)"
        return Mismatch("shape", f"return one label per row of x_eval: shape ({n},), got "
                        f"{tuple(got.shape)}{hint}", f"int64 ({n},)", str(tuple(got.shape)))
    if got.dtype != torch.int64:
        return Mismatch("dtype", "labels are class indices: int64 (argmax already gives int64), "
                        f"got {str(got.dtype).replace('torch.', '')}",
                        "int64", str(got.dtype).replace("torch.", ""))
    outside = (got < 0) | (got > 3)
    if bool(outside.any()):
        return Mismatch("values", f"labels must be 0, 1, 2 or 3; got {int(got[outside][0])}")
    for name, mask, mine in (("A", labels < 2, "classes 0 and 1"),
                             ("B", labels >= 2, "classes 2 and 3")):
        acc = float((got[mask] == labels[mask]).double().mean())
        if acc < THRESHOLD:
            said = _counts(got[mask])
            what = (f"the model forgot task A ({mine}): its held-out samples were labelled "
                    f"{{{said}}}") if name == "A" else \
                   (f"the model has not learnt task B ({mine}): its held-out samples were "
                    f"labelled {{{said}}}")
            return Mismatch("values", f"accuracy on held-out task {name} samples is {acc:.2f}, "
                            f"below {THRESHOLD:.2f}: {what}", f">= {THRESHOLD:.2f}", f"{acc:.2f}")
    return None


CHECK = Check(cases=cases, evaluate=evaluate, inputs_on_device=False)
