"""Builds the leaderboard's classifier (with dropout) and its DataLoader in the child, calls
evaluate(), and reports what only the outside can see: every forward call's mode and whether
gradients were enabled during it, the model's mode afterwards, and its parameters."""

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


class Leaderboard(nn.Module):
    def __init__(self, d: int, classes: int) -> None:
        super().__init__()
        self.net = nn.Sequential(nn.Linear(d, 32), nn.ReLU(), nn.Dropout(0.5),
                                 nn.Linear(32, classes))
        self.seen: list[tuple[bool, bool]] = []  # (training, grad enabled) per forward call

    def forward(self, x):
        self.seen.append((self.net[2].training, torch.is_grad_enabled()))
        return self.net(x)


def build(spec: dict) -> Leaderboard:
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(spec["seed"])
        model = Leaderboard(spec["d"], spec["classes"])
    return model.train(spec["training"])


def run(entry, spec, data):
    model = build(spec)
    loader = DataLoader(TensorDataset(data["x"], data["y"]), batch_size=spec["batch_size"],
                        shuffle=False, num_workers=0)
    value = entry(model, loader)
    return {"value": value, "seen": [list(s) for s in model.seen],
            "modes": [m.training for m in model.modules()],
            "state": {k: v.detach().clone() for k, v in model.state_dict().items()}}
