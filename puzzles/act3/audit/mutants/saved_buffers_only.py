from torch import nn


def _count(module):
    params = list(module.parameters())
    names = dict(module.named_parameters(remove_duplicate=False))
    return {
        "trainable": sum(p.numel() for p in params if p.requires_grad),
        "frozen": sum(p.numel() for p in params if not p.requires_grad),
        "buffers": sum(t.numel() for k, t in module.state_dict().items() if k not in names),
    }


def audit(model: nn.Module) -> dict:
    report = _count(model)
    report["children"] = {name: _count(child) for name, child in model.named_children()}
    return report
