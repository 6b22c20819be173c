"""Builds the demo model in the child, in the modes the judge chose for each submodule, calls
predict, and reports what the call left behind: the output, every submodule's mode, every
parameter's requires_grad, the state_dict, and how many tensors were saved for a backward."""

import torch
from torch import nn


def make_model() -> nn.Sequential:
    return nn.Sequential(nn.Linear(6, 16), nn.BatchNorm1d(16), nn.ReLU(), nn.Dropout(0.3),
                         nn.Linear(16, 3))


def build(spec) -> nn.Sequential:
    model = make_model()
    model.load_state_dict(spec["state"])
    for module, flag in zip(model.modules(), spec["modes"].tolist(), strict=True):
        module.training = bool(flag)
    return model


def run(entry, spec, x):
    model = build(spec)
    saved = [0]

    def pack(t):
        saved[0] += 1
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        out = entry(model, x)
    if type(out) is not torch.Tensor:
        raise TypeError(f"predict must return a tensor, not {type(out).__name__}")
    return {
        "output": out.detach().clone(),
        "modes": torch.tensor([m.training for m in model.modules()]),
        "requires_grad": torch.tensor([p.requires_grad for p in model.parameters()]),
        "state": {k: v.detach().clone() for k, v in model.state_dict().items()},
        "graph": torch.tensor([saved[0], int(out.requires_grad), int(out.grad_fn is not None)]),
    }
