"""Builds the model and its optimizer in the child (with stale gradients left in .grad from an
earlier backward), calls accumulate_step, and returns the parameters it left behind."""

import torch
from torch import nn


def make_model(features: int, hidden: int, classes: int) -> nn.Sequential:
    return nn.Sequential(nn.Linear(features, hidden), nn.ReLU(), nn.Linear(hidden, classes))


def build(state, config):
    w1, w2 = state["0.weight"], state["2.weight"]
    model = make_model(w1.shape[1], w1.shape[0], w2.shape[0])
    model.load_state_dict(state)
    opt = torch.optim.SGD(model.parameters(), lr=config["lr"], momentum=config["momentum"],
                          weight_decay=config["weight_decay"])
    return model, opt


def run(entry, state, config, x, y, micro_batch):
    model, opt = build(state, config)
    for p, stale in zip(model.parameters(), config["stale"], strict=True):
        p.grad = stale.clone()  # what an earlier backward left behind
    entry(model, opt, x, y, micro_batch)
    return {k: v.detach().clone() for k, v in model.state_dict().items()}
