"""act4.leak_loop: a training loop whose live memory must not grow with the number of steps.

The judge measures the peak of live tensor bytes in the child (the engine's `max_peak_mb`) on a
10-step and a 100-step run. The leaky loop of the starter holds every step's validation graph
(about 0.13 MiB each): 1.5 MiB at 10 steps, under the budget, and 12.8 MiB at 100, over it. A
loop that lets go holds about 0.4 MiB at either length. The losses and the trained weights are
compared with the judge's own run of the same loop.
"""

import importlib.util
from pathlib import Path

import torch
import torch.nn.functional as F

from game.engine.checks import Case, Check

_spec = importlib.util.spec_from_file_location("torchenstein_leak_loop_harness",
                                               Path(__file__).with_name("harness.py"))
lab = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(lab)


def reference(state, lr, data, steps):
    model = lab.build(state)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    train_total = val_total = 0.0
    for _ in range(steps):
        optimizer.zero_grad()
        loss = F.mse_loss(model(data["x"]), data["y"])
        loss.backward()
        optimizer.step()
        train_total += loss.item()
        with torch.no_grad():
            val_total += F.mse_loss(model(data["x_val"]), data["y_val"]).item()
    return (torch.tensor([train_total / steps, val_total / steps], dtype=torch.float64),
            {k: v.detach().clone() for k, v in model.state_dict().items()})


def problem(g):
    seed = int(torch.randint(0, 2**31 - 1, (1,), generator=g))
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = torch.nn.Sequential(torch.nn.Linear(32, 128), torch.nn.Tanh(),
                                    torch.nn.Linear(128, 1))
    state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    w = torch.randn(32, 1, generator=g) / 4
    x, x_val = torch.randn(256, 32, generator=g), torch.randn(256, 32, generator=g)
    data = {"x": x, "y": torch.tanh(x @ w) + 0.1 * torch.randn(256, 1, generator=g),
            "x_val": x_val, "y_val": torch.tanh(x_val @ w)}
    return state, data


def cases(g):
    state, data = problem(g)
    yield Case("example: 10 steps", state, 0.1, data, 10, example=True)
    state, data = problem(g)
    yield Case("100 steps", state, 0.1, data, 100,
               note="the peak of live tensors must be what 10 steps need, not ten times more")
    state, data = problem(g)
    yield Case("1 step", state, 0.05, data, 1)


CHECK = Check(reference=reference, cases=cases, rtol=1e-5, atol=1e-6, inputs_on_device=False)
