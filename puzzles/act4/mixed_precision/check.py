"""act4.mixed_precision: one autocast + GradScaler step, judged over a run of steps.

The judge runs the same sequence with its own step and compares the scale after every step
and the final weights. One batch holds a value that overflows, so its gradients are inf: that
step must be skipped and the scale halved; after `growth_interval` clean steps it doubles.
"""

import importlib.util
from pathlib import Path

import torch
import torch.nn.functional as F

from game.engine.checks import Case, Check

_spec = importlib.util.spec_from_file_location("torchenstein_mixed_precision_harness",
                                               Path(__file__).with_name("harness.py"))
lab = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(lab)


def step(model, optimizer, scaler, x, y):
    optimizer.zero_grad()
    with torch.autocast(device_type=x.device.type, dtype=torch.bfloat16):
        loss = F.mse_loss(model(x), y)
    scaler.scale(loss).backward()
    scaler.unscale_(optimizer)
    torch.nn.utils.clip_grad_norm_(model.parameters(), lab.MAX_NORM)
    scaler.step(optimizer)
    scaler.update()


def reference(state, xs, ys, lr, settings):
    return lab.train(step, state, xs, ys, lr, settings)


def problem(g, steps, overflow_at):
    seed = int(torch.randint(0, 2**31 - 1, (1,), generator=g))
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = torch.nn.Sequential(torch.nn.Linear(8, 32), torch.nn.ReLU(),
                                    torch.nn.Linear(32, 1))
    state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    w = torch.randn(8, 1, generator=g)
    xs = torch.randn(steps, 64, 8, generator=g)
    ys = 3.0 * (xs @ w) + 0.1 * torch.randn(steps, 64, 1, generator=g)
    for i in overflow_at:
        xs[i, 5, 3] = 3e38  # a corrupted sample: the forward overflows, the gradients are inf
    return state, xs, ys


def cases(g):
    settings = {"init_scale": 2.0**16, "growth_interval": 3}
    yield Case("example: 6 steps, the third overflows", *problem(g, 6, [2]), 0.05, settings,
               example=True, note="the scale after each step: a skipped step halves it, three "
                                  "clean steps in a row double it")
    yield Case("8 steps, two overflow", *problem(g, 8, [0, 5]),
               0.02, {"init_scale": 2.0**10, "growth_interval": 2})
    yield Case("5 clean steps", *problem(g, 5, []),
               0.05, {"init_scale": 2.0**20, "growth_interval": 10},
               note="with no overflow, the weights must match an unscaled step with clipping")


CHECK = Check(reference=reference, cases=cases, rtol=1e-5, atol=1e-6, inputs_on_device=False)
