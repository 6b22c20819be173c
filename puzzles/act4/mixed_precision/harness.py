"""Child side of act4.mixed_precision: model, SGD and GradScaler built from the judge's numbers,
then one amp_step per batch. What comes back is measured here, after each call: the scaler's
scale and, at the end, the weights."""

import torch
from torch import nn

MAX_NORM = 1.0


def build(state: dict) -> nn.Module:
    model = nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Linear(32, 1))
    model.load_state_dict(state)
    return model


def train(step, state, xs, ys, lr, settings):
    model = build(state)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    scaler = torch.amp.GradScaler(xs.device.type, init_scale=settings["init_scale"],
                                  growth_interval=settings["growth_interval"])
    scales = []
    for x, y in zip(xs, ys, strict=True):
        step(model, optimizer, scaler, x, y)
        scales.append(scaler.get_scale())
    weights = {k: v.detach().clone() for k, v in model.state_dict().items()}
    return torch.tensor(scales, dtype=torch.float64), weights


def run(entry, state, xs, ys, lr, settings):
    return train(entry, state, xs, ys, lr, settings)
