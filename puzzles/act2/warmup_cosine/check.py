"""act2.warmup_cosine: a linear warmup then a cosine decay to min_lr_ratio, per param group,
that survives a state_dict round trip. The lrs are computed here from the formula; a wrong
schedule is matched against the usual mistakes so that the message can name it."""

import math

import torch

from game.engine.checks import Case, Check, Mismatch, Series
from game.engine.compare import fmt_pair

RTOL, ATOL = 1e-9, 1e-12  # atol is relative to each group's base lr


def factor(s: int, w: int, t: int, r: float) -> float:
    if s < w:
        return (s + 1) / w
    if s <= t:
        return r + (1 - r) * 0.5 * (1 + math.cos(math.pi * (s - w) / (t - w)))
    return r


def _mistaken(kind: str, s: int, w: int, t: int, r: float) -> float:
    if kind == "zero_start" and s < w:
        return s / w
    if kind == "no_floor" and s >= w:
        return 0.5 * (1 + math.cos(math.pi * min(s - w, t - w) / (t - w)))
    if kind == "over_total" and s >= w:
        return r + (1 - r) * 0.5 * (1 + math.cos(math.pi * min(s, t) / t))
    if kind == "no_clamp" and s > t:
        return r + (1 - r) * 0.5 * (1 + math.cos(math.pi * (s - w) / (t - w)))
    if kind == "off_by_one" and s >= w:
        return factor(s + 1, w, t, r)
    return factor(s, w, t, r)


MISTAKES = {
    "zero_start": "your warmup starts at 0: after s steps the factor is (s + 1) / warmup_steps, "
                  "so the very first step already trains",
    "no_floor": "min_lr_ratio is ignored: the cosine should end at base · min_lr_ratio, not 0",
    "over_total": "your cosine runs over all total_steps from step 0; it should start after "
                  "the warmup and span total_steps - warmup_steps",
    "no_clamp": "after total_steps the lr must stay at base · min_lr_ratio; your cosine "
                "climbs again",
    "off_by_one": "your cosine is one step ahead: at s = warmup_steps the factor is exactly 1",
}


def table(plan, w, t, r, kind=None, steps=None):
    """lrs after s = 0..steps calls of step(), one column per group."""
    n = plan["steps"] if steps is None else steps
    f = factor if kind is None else (lambda s, *a: _mistaken(kind, s, *a))
    return torch.tensor([[base * f(s, w, t, r) for base in plan["lrs"]] for s in range(n + 1)],
                        dtype=torch.float64)


def reference(plan, warmup_steps, total_steps, min_lr_ratio=0.0):
    full = table(plan, warmup_steps, total_steps, min_lr_ratio)
    return full[: plan["resume_at"] + 1], full[plan["resume_at"] + 1:], torch.tensor(True)


def _plan(lrs, steps, resume_at, momentum=None, weight_decay=None):
    g = len(lrs)
    return {"lrs": lrs, "steps": steps, "resume_at": resume_at,
            "momentum": momentum or [0.9] * g, "weight_decay": weight_decay or [0.0] * g}


def cases(g):
    yield Case("example: one group, lr 0.1, warmup 4, total 12", _plan([0.1], 16, 16), 4, 12,
               example=True)
    yield Case("example: two groups, resumed at step 5", _plan([1e-3, 0.5], 14, 5), 3, 10, 0.1,
               example=True)
    yield Case("no warmup (warmup_steps = 0)", _plan([0.2, 2e-4], 12, 7), 0, 9, 0.05)
    yield Case("warmup of one step", _plan([0.3], 8, 3), 1, 6, 0.0)
    lrs = [float(v) for v in torch.rand(3, generator=g) * 0.1 + 1e-4]
    yield Case("three groups, momentum and weight decay differ", _plan(
        lrs, 40, 18, [0.9, 0.0, 0.5], [0.0, 1e-2, 5e-4]), 10, 30, 0.2,
        note="each group scales its own base lr; nothing else in the optimizer changes")
    yield Case("resumed during the warmup", _plan([0.05, 0.01], 20, 2), 6, 16, 0.1)
    yield Case("resumed after total_steps", _plan([0.01], 25, 21), 5, 20, 0.3)
    w = 40
    yield Case("total_steps - warmup_steps = 10,000", _plan([6e-4, 3e-3], w + 10_000 + 30, 6_000),
               w, w + 10_000, 0.1, note="a long run, resumed at step 6,000")


def _where_wrong(got, want, bases):
    bad = (got - want).abs() > RTOL * want.abs() + ATOL * bases
    if not bool(bad.any()):
        return None
    s, grp = (int(i) for i in bad.nonzero()[0])
    return s, grp


def _check_part(part, got, want, plan, w, t, r, offset, label):
    if type(got) is not torch.Tensor or got.dtype != torch.float64 or got.shape != want.shape:
        return Mismatch("shape", f"the harness recorded {label} lrs of shape "
                        f"{tuple(got.shape) if type(got) is torch.Tensor else got}, expected "
                        f"{tuple(want.shape)}")
    bases = torch.tensor(plan["lrs"], dtype=torch.float64)
    where = _where_wrong(got, want, bases)
    if where is None:
        return None
    s, grp = where
    s_abs = s + offset
    shown_w, shown_g = fmt_pair(float(want[s, grp]), float(got[s, grp]))
    detail = (f"{label}: group {grp} (base lr {plan['lrs'][grp]:g}) after {s_abs} "
              f"call{'s' if s_abs != 1 else ''} of step() has lr {shown_g}, expected {shown_w}")
    full_len = plan["steps"]
    for kind, sentence in MISTAKES.items():
        alt = table(plan, w, t, r, kind, full_len)[offset: offset + len(want)]
        if _where_wrong(got, alt, bases) is None:
            return Mismatch("values", f"{sentence} ({detail})", shown_w, shown_g)
    for base, whose in ((plan["lrs"][0], "group 0's"), (1.0, "the optimizer's default")):
        if len(set(plan["lrs"])) > 1 or base != plan["lrs"][0]:
            same = {**plan, "lrs": [base] * len(plan["lrs"])}
            alt = table(same, w, t, r, None, full_len)[offset: offset + len(want)]
            if _where_wrong(got, alt, bases) is None:
                return Mismatch("values", f"every group scales the lr it had when the "
                                f"scheduler was built; yours all follow {whose} ({detail})",
                                shown_w, shown_g)
    if part == "resumed":
        detail += (" — the resumed scheduler must carry on from the state_dict it loaded, "
                   "exactly where the first one was")
    return Mismatch("values", detail, shown_w, shown_g)


def evaluate(case, expected, got, ctx):
    plan, w, t = case.args[0], case.args[1], case.args[2]
    r = case.args[3] if len(case.args) > 3 else 0.0
    if not (type(got) is tuple and len(got) == 3):
        return Mismatch("type", "the harness did not get its three records back")
    seen, resumed, untouched = got
    if case.example and type(seen) is torch.Tensor and seen.shape == expected[0].shape:
        ctx.add_figure(Series(
            title=f"{case.name}: group 0's lr after each step()", x_label="step()",
            y_label="lr", x=list(range(len(seen))),
            lines={"yours": seen[:, 0].tolist(), "reference": expected[0][:, 0].tolist()}))
    if type(untouched) is not torch.Tensor or not bool(untouched):
        return Mismatch("values", "the optimizer changed beyond its groups' lr (another "
                        "setting, a group added or removed, or a parameter moved): a scheduler "
                        "only sets lr")
    found = _check_part("schedule", seen, expected[0], plan, w, t, r, 0, "schedule")
    if found:
        return found
    return _check_part("resumed", resumed, expected[1], plan, w, t, r,
                       plan["resume_at"] + 1, "after load_state_dict")


CHECK = Check(reference=reference, cases=cases, evaluate=evaluate, inputs_on_device=False)
