from torch import nn


def _count(module):
    params = list(module.parameters())
    return {
        "trainable": sum(p.numel() for p in params if p.requires_grad),
        "frozen": sum(p.numel() for p in params if not p.requires_grad),
        "buffers": sum(b.numel() for b in module.buffers()),
    }


def audit(model: nn.Module) -> dict:
    children = {name: _count(child) for name, child in model.named_children()}
    report = {key: sum(c[key] for c in children.values()) for key in ("trainable", "frozen",
                                                                      "buffers")}
    report["children"] = children
    return report
