"""Builds one of OneAI's models in the child, calls audit() on it, and returns the audit with
the model's requires_grad flags afterwards. check.py builds the same models from this file and
counts the truth itself."""

import torch
from torch import nn


class Block(nn.Module):
    def __init__(self, d: int) -> None:
        super().__init__()
        self.norm = nn.LayerNorm(d)
        self.ff = nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(), nn.Linear(4 * d, d))

    def forward(self, x):
        return x + self.ff(self.norm(x))


class TinyLM(nn.Module):
    """An embedding tied to the output head; a frozen first block; a position table kept as a
    buffer that is not saved in the state_dict."""

    def __init__(self, vocab: int = 96, d: int = 24, blocks: int = 3, context: int = 32) -> None:
        super().__init__()
        self.embed = nn.Embedding(vocab, d)
        self.blocks = nn.ModuleList(Block(d) for _ in range(blocks))
        self.head = nn.Linear(d, vocab, bias=False)
        self.head.weight = self.embed.weight  # tied: one tensor, two names
        self.register_buffer("positions", torch.randn(context, d), persistent=False)
        self.blocks[0].requires_grad_(False)

    def forward(self, idx):
        h = self.embed(idx) + self.positions[: idx.shape[-1]]
        for block in self.blocks:
            h = block(h)
        return self.head(h)


class Vision(nn.Module):
    """A frozen convolutional backbone with batch norms, a trainable head, a temperature owned
    by the model itself, and a layer whose weight is frozen but whose bias trains."""

    def __init__(self, classes: int = 10) -> None:
        super().__init__()
        self.backbone = nn.Sequential(
            nn.Conv2d(3, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(),
            nn.Conv2d(16, 32, 3, padding=1, bias=False), nn.BatchNorm2d(32), nn.ReLU(),
            nn.AdaptiveAvgPool2d(1), nn.Flatten())
        self.neck = nn.Linear(32, 32)
        self.classifier = nn.Linear(32, classes)
        self.temperature = nn.Parameter(torch.ones(1))
        self.backbone.requires_grad_(False)
        self.neck.weight.requires_grad_(False)

    def forward(self, x):
        return self.classifier(self.neck(self.backbone(x))) / self.temperature


class Siamese(nn.Module):
    """Two towers that share their first layer's weight (not the layer): the weight belongs to
    both towers but exists once; a frozen projection between them."""

    def __init__(self, d: int = 20) -> None:
        super().__init__()
        self.left = nn.Sequential(nn.Linear(d, d), nn.Tanh(), nn.Linear(d, 8))
        self.right = nn.Sequential(nn.Linear(d, d), nn.Tanh(), nn.Linear(d, 8))
        self.right[0].weight = self.left[0].weight
        self.project = nn.Linear(8, 8, bias=False).requires_grad_(False)
        self.register_buffer("margin", torch.tensor(0.5))

    def forward(self, a, b):
        return (self.project(self.left(a)) - self.project(self.right(b))).norm(dim=-1)


ARCHS = {"tiny_lm": TinyLM, "vision": Vision, "siamese": Siamese}


def build(spec: dict) -> nn.Module:
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(spec["seed"])
        return ARCHS[spec["arch"]](**spec.get("sizes", {}))


def run(entry, spec):
    model = build(spec)
    result = entry(model)
    return {"audit": result,
            "flags": [name for name, p in model.named_parameters() if p.requires_grad]}
