from torch import nn


def _count(module: nn.Module) -> dict[str, int]:
    # parameters() and buffers() yield each tensor once, however many names it has.
    params = list(module.parameters())
    return {
        "trainable": sum(p.numel() for p in params if p.requires_grad),
        "frozen": sum(p.numel() for p in params if not p.requires_grad),
        "buffers": sum(b.numel() for b in module.buffers()),
    }


def audit(model: nn.Module) -> dict:
    report = _count(model)
    report["children"] = {name: _count(child) for name, child in model.named_modules() if name}
    return report
