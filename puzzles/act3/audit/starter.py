from torch import nn


def audit(model: nn.Module) -> dict:
    # The slide's method: add up everything in the state_dict and call it "trainable".
    total = sum(t.numel() for t in model.state_dict().values())
    return {"trainable": total, "frozen": 0, "buffers": 0, "children": {}}
