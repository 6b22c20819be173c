"""act2.batchnorm: a BatchNorm module that behaves as nn.BatchNorm1d/2d through several training
steps (outputs, gradients, running statistics) and an eval forward, and whose state_dict has
exactly PyTorch's keys. The harness drives both the player's module and PyTorch's; a wrong
record is matched against modules that make the usual mistakes, so the message can name it."""

import importlib.util
from pathlib import Path

import torch
from torch import nn

from game.engine.checks import Case, Check, Mismatch, floats
from game.engine.compare import compare_tensors

_spec = importlib.util.spec_from_file_location("act2_batchnorm_harness",
                                               Path(__file__).with_name("harness.py"))
assert _spec is not None and _spec.loader is not None
harness = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(harness)

GRAPH = "buffers carry no autograd graph"
STATE = "state_dict at the end"


class Reference:
    """PyTorch's own batch norm, driven by the harness."""

    module_type: type = nn.BatchNorm1d

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float = 0.1,
                 **mistakes: bool) -> None:
        self.args = (num_features, eps, momentum)
        self.mistakes = mistakes
        self.state: dict[str, torch.Tensor] | None = None

    def load_state_dict(self, state: dict[str, torch.Tensor]) -> None:
        self.state = state

    def build(self, dim: int) -> nn.Module:
        if self.mistakes:
            module: nn.Module = Mistaken(*self.args, **self.mistakes)
        else:
            module = (nn.BatchNorm2d if dim == 4 else nn.BatchNorm1d)(*self.args)
        if self.state is not None:
            module.load_state_dict(self.state)
        return module

    def __call__(self, xs, x_eval, upstream):
        return harness.run(self.build(xs.dim() - 1), xs, x_eval, upstream)


class Mistaken(nn.Module):
    """Batch norm with one of the usual mistakes switched on."""

    def __init__(self, num_features, eps, momentum, *, unbiased_norm=False,
                 biased_running=False, swapped_momentum=False, eval_batch_stats=False,
                 eval_updates=False, eps_outside=False, no_count=False):
        super().__init__()
        self.eps, self.momentum = eps, momentum
        self.flags = dict(unbiased_norm=unbiased_norm, biased_running=biased_running,
                          swapped_momentum=swapped_momentum, eval_batch_stats=eval_batch_stats,
                          eval_updates=eval_updates, eps_outside=eps_outside,
                          no_count=no_count)
        self.weight = nn.Parameter(torch.ones(num_features))
        self.bias = nn.Parameter(torch.zeros(num_features))
        self.register_buffer("running_mean", torch.zeros(num_features))
        self.register_buffer("running_var", torch.ones(num_features))
        self.register_buffer("num_batches_tracked", torch.tensor(0, dtype=torch.long))

    def forward(self, x):
        f = self.flags
        dims = [0, *range(2, x.dim())]
        shape = [1, -1] + [1] * (x.dim() - 2)
        mean = x.mean(dim=dims)
        biased, unbiased = x.var(dim=dims, unbiased=False), x.var(dim=dims, unbiased=True)
        if self.training or f["eval_updates"]:
            m = 1 - self.momentum if f["swapped_momentum"] else self.momentum
            with torch.no_grad():
                self.running_mean.mul_(1 - m).add_(m * mean)
                self.running_var.mul_(1 - m).add_(m * (biased if f["biased_running"]
                                                       else unbiased))
                if not f["no_count"]:
                    self.num_batches_tracked += 1
        if self.training or f["eval_batch_stats"]:
            var = unbiased if f["unbiased_norm"] else biased
        else:
            mean, var = self.running_mean, self.running_var
        mean, var = mean.view(shape), var.view(shape)
        if f["eps_outside"]:
            x_hat = (x - mean) / (torch.sqrt(var) + self.eps)
        else:
            x_hat = (x - mean) / torch.sqrt(var + self.eps)
        return x_hat * self.weight.view(shape) + self.bias.view(shape)


MISTAKES = {
    "unbiased_norm": "you normalised with the unbiased variance: in training the batch is "
                     "normalised with the biased one (divide by n); only running_var takes "
                     "the unbiased one",
    "biased_running": "running_var is updated with the unbiased batch variance (n / (n - 1) "
                      "times the biased one you used)",
    "swapped_momentum": "momentum is the weight of the new batch: running = (1 - momentum) · "
                        "running + momentum · batch, and yours is the other way round",
    "eval_batch_stats": "in eval mode normalise with running_mean and running_var, not with the "
                        "batch's own statistics",
    "eval_updates": "eval mode must update nothing: your running statistics changed during the "
                    "eval forward",
    "eps_outside": "eps belongs inside the square root: (x - mean) / sqrt(var + eps)",
    "no_count": "num_batches_tracked must grow by 1 at every training forward",
}


def _batches(g, steps, shape, dtype=torch.float32, scale=1.0, shift=0.0):
    per_channel = torch.randn(shape[1], generator=g, dtype=torch.float64)
    view = [1, -1] + [1] * (len(shape) - 2)
    xs = floats(g, (steps, *shape), torch.float64, scale) + shift + per_channel.view(view)
    return xs.to(dtype)


def _case(name, g, steps, shape, init, dtype=torch.float32, scale=1.0, shift=0.0,
          state=None, example=False, note="", transpose=False):
    xs = _batches(g, steps, shape, dtype, scale, shift)
    x_eval = _batches(g, 1, shape, dtype, scale, shift)[0]
    up = floats(g, (steps, *shape), dtype)
    if transpose:  # the same values, laid out with the batch dimension last
        xs = xs.transpose(1, -1).contiguous().transpose(1, -1)
    return Case(name, xs, x_eval, up, init=init, state=state, example=example, note=note)


def _trained_state(g, c):
    return {"weight": floats(g, (c,)) * 0.5 + 1, "bias": floats(g, (c,)) * 0.3,
            "running_mean": floats(g, (c,)), "running_var": torch.rand(c, generator=g) + 0.5,
            "num_batches_tracked": torch.tensor(7)}


def cases(g):
    yield _case("example: (8, 3) batches, three steps", g, 3, (8, 3), (3,), example=True)
    yield _case("example: (4, 2, 5) sequences, float64", g, 3, (4, 2, 5), (2, 1e-5, 0.1),
                torch.float64, example=True)
    yield _case("(2, 3, 4, 5) images", g, 3, (2, 3, 4, 5), (3,))
    yield _case("momentum 0.3, eps 1e-3, float64 images", g, 4, (3, 4, 3, 3), (4, 1e-3, 0.3),
                torch.float64)
    yield _case("eps 0.5 on quiet channels", g, 2, (6, 2), (2, 0.5, 0.1), torch.float64,
                scale=0.3, note="eps is added to the variance under the square root")
    yield _case("weights and running statistics loaded from nn.BatchNorm1d", g, 3, (5, 4),
                (4, 1e-5, 0.2), state=_trained_state(g, 4),
                note="the judge loads nn.BatchNorm1d's state_dict into your module first")
    yield _case("non-contiguous batches", g, 2, (6, 3, 7), (3,), transpose=True)
    yield _case("channels far from 0 (offset 1000, float64)", g, 3, (16, 3), (3, 1e-5, 0.1),
                torch.float64, scale=2.0, shift=1000.0)
    yield _case("two samples, one channel", g, 2, (2, 1), (1,))
    yield _case("one sample of length 6", g, 2, (1, 2, 6), (2,),
                note="statistics include the positions: six values per channel")


def evaluate(case, expected, got, ctx):
    if not isinstance(got, dict) or set(got) != set(expected):
        return Mismatch("type", "the harness did not get its records back")
    if type(got[GRAPH]) is not torch.Tensor or not bool(got[GRAPH]):
        return Mismatch("values", "your buffers carry an autograd graph after a training step: "
                        "update the running statistics under torch.no_grad() (or from "
                        "detached values), in place")
    for key, want in expected.items():
        if key == GRAPH:
            continue
        found = _compare(key, want, got[key])
        if found is None:
            continue
        if found.kind in ("values", "nan"):
            for flag, sentence in MISTAKES.items():
                ref = case.build(lambda *a, f=flag: Reference(*a, **{f: True}))
                alt = ref(*case.args)[key]
                if _compare(key, alt, got[key]) is None:
                    return Mismatch("values", f"{sentence} ({found.message})",
                                    found.expected, found.actual)
        return found
    return None


def _compare(key, want, got):
    if isinstance(want, dict):
        if not isinstance(got, dict):
            return Mismatch("type", f"{key}: expected a dict")
        if set(got) != set(want):
            return Mismatch("shape", f"{key}: your state_dict has keys {sorted(got)}, "
                            f"nn.BatchNorm1d's are {sorted(want)} — it must load into "
                            "nn.BatchNorm1d and back")
        for k, v in want.items():
            found = _compare(f"{key}[{k!r}]", v, got[k])
            if found:
                return found
        return None
    if type(got) is not torch.Tensor:
        return Mismatch("type", f"{key}: expected a tensor")
    return compare_tensors(want, got, path=key, exact=False, rtol=None, atol=None)


CHECK = Check(reference=Reference, cases=cases, evaluate=evaluate, inputs_on_device=False)
