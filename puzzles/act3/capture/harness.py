"""Builds one of OneAI's models in the child, in eval mode, calls capture() on it, and reports
what the judge needs to verify that the model was left exactly as it was found: the hooks still
registered, every module's mode, its parameters and buffers, and whether the returned tensors
carry an autograd graph. check.py builds the same models from this file.

The models are not simple chains: a skip connection, a block called from a loop, an activation
used twice, and in-place operations on the outputs of earlier modules."""

import torch
from torch import nn
from torch.nn.modules import module as _module_globals


class Tower(nn.Module):
    """Embedding, one residual block applied three times, a norm used twice, a head."""

    def __init__(self, d: int = 8, classes: int = 3) -> None:
        super().__init__()
        self.embed = nn.Linear(d, d)
        self.block = nn.Sequential(nn.Linear(d, 2 * d), nn.Tanh(), nn.Linear(2 * d, d))
        self.norm = nn.LayerNorm(d)
        self.head = nn.Linear(d, classes)
        self.calls = 0

    def forward(self, x):
        self.calls += 1
        h = self.embed(x)
        h.relu_()                      # in place, on embed's output
        for _ in range(3):
            h = h + self.block(h)      # the block runs three times
        h = self.norm(h)
        h = self.norm(h * 2.0)         # the norm runs twice
        out = self.head(h)
        return out


class Hourglass(nn.Module):
    """Down, through a batch norm, up, and a skip from the first activation."""

    def __init__(self, d: int = 8) -> None:
        super().__init__()
        self.down1 = nn.Linear(d, 2 * d)
        self.down2 = nn.Linear(2 * d, 2 * d)
        self.bn = nn.BatchNorm1d(2 * d)
        self.act = nn.GELU()
        self.drop = nn.Dropout(0.3)
        self.up = nn.Linear(2 * d, d)
        self.calls = 0

    def forward(self, x):
        self.calls += 1
        a = self.act(self.down1(x))
        b = self.act(self.bn(self.down2(a)))   # act runs twice
        b = self.drop(b)
        b.mul_(0.5)                            # in place, on the dropout's output
        y = self.up(b + a)
        y += x                                 # in place, on up's output
        return y


ARCHS = {"tower": Tower, "hourglass": Hourglass}


def build(spec: dict, dtype: torch.dtype) -> nn.Module:
    """The judge's model: seeded, trained statistics in its batch norm, in eval mode."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(spec["seed"])
        model = ARCHS[spec["arch"]]().to(dtype)
        for m in model.modules():
            if isinstance(m, nn.BatchNorm1d):
                m.running_mean.normal_()
                m.running_var.uniform_(0.5, 2.0)
                m.num_batches_tracked.fill_(7)
    return model.eval()


def hooks_left(model: nn.Module) -> int:
    """Hooks registered on any module of the model, or globally on every module."""
    count = sum(len(getattr(m, attr, {})) for m in model.modules() for attr in (
        "_forward_hooks", "_forward_pre_hooks", "_backward_hooks", "_backward_pre_hooks",
        "_state_dict_hooks", "_load_state_dict_pre_hooks"))
    return count + sum(len(getattr(_module_globals, attr, {})) for attr in (
        "_global_forward_hooks", "_global_forward_pre_hooks", "_global_backward_hooks",
        "_global_backward_pre_hooks"))


def run(entry, spec, x, names):
    model = build(spec, x.dtype)
    report = {}
    try:
        out = entry(model, x, names)
        report["raised"] = None
        report["out"] = out
        if isinstance(out, dict):
            report["graph"] = sorted(str(k) for k, v in out.items() if isinstance(
                v, torch.Tensor) and (v.requires_grad or v.grad_fn is not None))
    except KeyError:
        if not spec.get("unknown"):
            raise
        report["raised"] = "KeyError"
    report["calls"] = model.calls
    report["hooks"] = hooks_left(model)
    report["modes"] = [name for name, m in model.named_modules() if m.training]
    report["frozen"] = [name for name, p in model.named_parameters() if not p.requires_grad]
    report["state"] = {k: v.detach().clone() for k, v in model.state_dict().items()}
    return report
