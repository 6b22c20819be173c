from torch import nn


def _count(module):
    return {"trainable": sum(p.numel() for p in module.parameters()), "frozen": 0,
            "buffers": sum(b.numel() for b in module.buffers())}


def audit(model: nn.Module) -> dict:
    report = _count(model)
    report["children"] = {name: _count(child) for name, child in model.named_children()}
    return report
