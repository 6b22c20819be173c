from torch import nn


def _count(module):
    state = module.state_dict(keep_vars=True)
    params = dict(module.named_parameters())
    return {
        "trainable": sum(t.numel() for k, t in state.items() if k in params and t.requires_grad),
        "frozen": sum(t.numel() for k, t in state.items() if k in params and not t.requires_grad),
        "buffers": sum(t.numel() for k, t in state.items() if k not in params),
    }


def audit(model: nn.Module) -> dict:
    report = _count(model)
    report["children"] = {name: _count(child) for name, child in model.named_children()}
    return report
