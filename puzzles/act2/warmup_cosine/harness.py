"""Builds the optimizer in the child, calls warmup_cosine, steps the scheduler and records every
group's lr; then resumes a second scheduler from the first one's state_dict."""

import warnings

import torch
from torch.optim.lr_scheduler import LRScheduler

# No optimizer step is taken (there are no gradients, and a first step would cost a lazy
# import of several seconds), so PyTorch's reminder to call optimizer.step() first is noise.
warnings.filterwarnings("ignore", message="Detected call of `lr_scheduler.step\\(\\)` before")


def _optimizer(plan):
    params = [torch.nn.Parameter(torch.zeros(2)) for _ in plan["lrs"]]
    groups = [{"params": [p], "lr": lr, "momentum": m, "weight_decay": wd}
              for p, lr, m, wd in zip(params, plan["lrs"], plan["momentum"],
                                      plan["weight_decay"], strict=True)]
    opt = torch.optim.SGD(groups, lr=1.0)
    return opt


def _built(entry, opt, warmup_steps, total_steps, min_lr_ratio):
    sched = entry(opt, warmup_steps, total_steps, min_lr_ratio)
    if not isinstance(sched, LRScheduler):
        raise TypeError("warmup_cosine must return a torch.optim.lr_scheduler.LRScheduler "
                        f"(LambdaLR, or your own subclass), not {type(sched).__name__}")
    return sched


def _lrs(opt):
    return [float(g["lr"]) for g in opt.param_groups]


def run(entry, plan, warmup_steps, total_steps, min_lr_ratio=0.0):
    opt = _optimizer(plan)
    before = [dict(g) for g in opt.param_groups]
    sched = _built(entry, opt, warmup_steps, total_steps, min_lr_ratio)
    seen = [_lrs(opt)]
    for _ in range(plan["resume_at"]):
        sched.step()
        seen.append(_lrs(opt))
    opt2 = _optimizer(plan)
    sched2 = _built(entry, opt2, warmup_steps, total_steps, min_lr_ratio)
    sched2.load_state_dict(sched.state_dict())
    resumed = []
    for _ in range(plan["steps"] - plan["resume_at"]):
        sched2.step()
        resumed.append(_lrs(opt2))
    untouched = all(
        set(g) - {"lr", "initial_lr"} == set(b) - {"lr"}
        and all(g[k] is b[k] or g[k] == b[k] for k in b if k not in ("lr", "params"))
        and len(g["params"]) == len(b["params"])
        for g, b in zip(opt.param_groups, before, strict=True)
    ) and len(opt.param_groups) == len(before)
    return (torch.tensor(seen, dtype=torch.float64),
            torch.tensor(resumed, dtype=torch.float64).reshape(-1, len(plan["lrs"])),
            torch.tensor(untouched))
