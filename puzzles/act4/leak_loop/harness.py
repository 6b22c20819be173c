"""Child side of act4.leak_loop: the model and optimizer, built from the judge's weights."""

import torch
from torch import nn


def build(state: dict) -> nn.Module:
    model = nn.Sequential(nn.Linear(32, 128), nn.Tanh(), nn.Linear(128, 1))
    model.load_state_dict(state)
    return model


def run(entry, state, lr, data, steps):
    model = build(state)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    out = entry(model, optimizer, data, steps)
    if not (isinstance(out, tuple) and len(out) == 2
            and all(type(v) is float for v in out)):
        raise TypeError("train must return a tuple of two Python floats "
                        "(mean training loss, mean validation loss)")
    return (torch.tensor(out, dtype=torch.float64),
            {k: v.detach().clone() for k, v in model.state_dict().items()})
