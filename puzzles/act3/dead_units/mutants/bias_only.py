import torch


def prune(state: dict[str, torch.Tensor], x: torch.Tensor) -> dict[str, torch.Tensor]:
    pre = x @ state["fc1.weight"].T + state["fc1.bias"]
    keep = state["fc1.bias"] > -10
    return {
        "fc1.weight": state["fc1.weight"][keep],
        "fc1.bias": state["fc1.bias"][keep],
        "fc2.weight": state["fc2.weight"][:, keep],
        "fc2.bias": state["fc2.bias"].clone(),
    }
