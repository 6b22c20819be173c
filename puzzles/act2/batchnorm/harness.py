"""Drives a batch-norm module through several training steps (forward, then gradients for the
judge's upstream gradient), then one eval forward, and records everything the judge compares.
check.py runs the same function on nn.BatchNorm1d/2d for the reference."""

import torch
from torch import nn


def run(module, xs, x_eval, upstream):
    if not isinstance(module, nn.Module):
        raise TypeError("BatchNorm must be an nn.Module subclass")
    names = sorted(name for name, _ in module.named_parameters())
    if names != ["bias", "weight"]:
        raise TypeError(f"the parameters must be exactly `weight` and `bias`; yours are {names}")
    module.to(xs.dtype)
    module.train()
    outs, grad_x, grad_w, grad_b, means, variances = [], [], [], [], [], []
    for x, up in zip(xs, upstream, strict=True):
        x = x.clone().requires_grad_(True)
        y = module(x)
        if type(y) is not torch.Tensor:
            raise TypeError(f"forward must return a tensor, not {type(y).__name__}")
        gx, gw, gb = torch.autograd.grad(y, [x, module.weight, module.bias], up,
                                         allow_unused=True)
        outs.append(y.detach())
        grad_x.append(gx if gx is not None else torch.full_like(x, float("nan")))
        grad_w.append(gw if gw is not None else torch.full_like(module.weight, float("nan")))
        grad_b.append(gb if gb is not None else torch.full_like(module.bias, float("nan")))
        state = module.state_dict()
        means.append(state["running_mean"].clone() if "running_mean" in state
                     else torch.zeros(0))
        variances.append(state["running_var"].clone() if "running_var" in state
                         else torch.zeros(0))
    graph_free = all(b.grad_fn is None and not b.requires_grad for b in module.buffers())
    module.eval()
    with torch.no_grad():
        y_eval = module(x_eval)
    return {
        "output (training mode)": torch.stack(outs),
        "gradient of the input": torch.stack(grad_x).detach(),
        "gradient of weight": torch.stack(grad_w).detach(),
        "gradient of bias": torch.stack(grad_b).detach(),
        "running_mean after each step": torch.stack(means),
        "running_var after each step": torch.stack(variances),
        "output (eval mode)": y_eval,
        "state_dict at the end": {k: v.detach().clone() for k, v in module.state_dict().items()},
        "buffers carry no autograd graph": torch.tensor(graph_free),
    }
