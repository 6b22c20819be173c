"""finale.ddp_step: data-parallel training by hand, two processes over gloo (shared/CANON.md).

The harness returns both ranks' parameters after three steps; the reference trains one model
on the whole batch with the mean loss."""

import torch
from torch import nn

from game.engine.checks import Case, Check, floats

STEPS = 3


def reference(state, x, y, opt_name, lr):
    model = nn.Sequential(nn.Linear(state["0.weight"].shape[1], state["0.weight"].shape[0]),
                          nn.Tanh(), nn.Linear(state["2.weight"].shape[1],
                                               state["2.weight"].shape[0])).double()
    model.load_state_dict(state)
    if opt_name == "sgd":
        optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    else:
        optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    for _ in range(STEPS):
        optimizer.zero_grad()
        nn.functional.mse_loss(model(x), y).backward()
        optimizer.step()
    params = torch.cat([p.detach().reshape(-1) for p in model.parameters()])
    return params, params.clone()


def problem(g, n, d_in, hidden, d_out):
    state = {"0.weight": floats(g, (hidden, d_in), torch.float64, d_in ** -0.5),
             "0.bias": floats(g, (hidden,), torch.float64, 0.1),
             "2.weight": floats(g, (d_out, hidden), torch.float64, hidden ** -0.5),
             "2.bias": floats(g, (d_out,), torch.float64, 0.1)}
    x = floats(g, (n, d_in), torch.float64)
    # The two halves are drawn differently, so each rank's gradient differs from the mean.
    x[n // 2:] = x[n // 2:] * 2 + 1
    y = floats(g, (n, d_out), torch.float64)
    return state, x, y


def cases(g):
    yield Case("example: SGD with momentum 0.9, 8 samples", *problem(g, 8, 3, 6, 2), "sgd", 0.1,
               example=True, note="every rank must step with the mean of the ranks' gradients; "
               "a sum is twice too large, and SGD with momentum notices")
    yield Case("Adam, 8 samples", *problem(g, 8, 3, 6, 2), "adam", 0.05,
               note="averaging parameters after local Adam steps is not averaging gradients")
    yield Case("SGD, 12 samples, wider", *problem(g, 12, 5, 10, 1), "sgd", 0.05)
    yield Case("Adam, 12 samples, wider", *problem(g, 12, 5, 10, 3), "adam", 0.02)


CHECK = Check(reference=reference, cases=cases, rtol=1e-7, atol=1e-10, inputs_on_device=False)
