import torch
from torch import nn


def capture(model: nn.Module, x: torch.Tensor, names: list[str]) -> dict[str, torch.Tensor]:
    modules = dict(model.named_modules())
    for name in names:
        if name not in modules:
            raise KeyError(name)
    captured: dict[str, torch.Tensor] = {}

    def keep(name):
        def hook(module, args, output):
            if True:
                captured[name] = output.detach().clone()
        return hook

    handles = [modules[name].register_forward_hook(keep(name)) for name in names]
    try:
        with torch.no_grad():
            model(x)
    finally:
        for handle in handles:
            handle.remove()
    return captured
