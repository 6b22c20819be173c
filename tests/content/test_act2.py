"""Act II through the real judge: the chapter's shape, and for act2.log_softmax,
act2.cross_entropy, act2.warmup_cosine, act2.batchnorm and act2.demo_day, correct answers
written differently from the Professor's (they must pass) and plausible mistakes that the
puzzle files do not hold (each must get the verdict, the mismatch kind and the words that name
it). The author check already runs every solution, starter and mutant."""

from __future__ import annotations

from dataclasses import dataclass
from textwrap import dedent

import pytest

from game.core.content import load_catalog
from game.core.result import Status
from game.engine.judge import Judge

SEED = 20260301
CANON = ["act2.log_softmax", "act2.cross_entropy", "act2.warmup_cosine", "act2.batchnorm",
         "act2.chunked_attention"]


def test_chapter_loads_after_act1_with_its_puzzles_in_flow():
    catalog = load_catalog()
    assert not [p for p in catalog.problems if "act2" in str(p)]
    chapter, act1 = catalog.chapter("act2"), catalog.chapter("act1")
    assert chapter is not None and act1 is not None
    assert chapter.spec.unlocked_by == ["act1"]
    assert chapter.spec.order > act1.spec.order
    assert [c.id for c in catalog.chapters].index("act2") > \
        [c.id for c in catalog.chapters].index("act1")
    puzzles = chapter.puzzle_ids()
    assert len(puzzles) >= 8
    assert set(CANON) <= set(puzzles)
    assert all(p in catalog.puzzles for p in puzzles)
    flow = chapter.spec.flow
    # Scenes and puzzles alternate; the act opens and closes on a scene.
    assert not flow[0].startswith("act2.") and not flow[-1].startswith("act2.")
    assert all(a.startswith("act2.") != b.startswith("act2.")
               for a, b in zip(flow, flow[1:], strict=False))


@dataclass(frozen=True)
class Wrong:
    source: str
    status: Status
    mismatch: str | None = None
    says: str | None = None


def run(judge: Judge, puzzle: str, source: str, quick: bool = False):
    result = judge.verify(puzzle, dedent(source).strip() + "\n", seed=SEED, quick=quick)
    return result, {t.mismatch for t in result.tests if t.mismatch}


def check_right(judge: Judge, puzzle: str, source: str) -> None:
    result, _ = run(judge, puzzle, source)
    assert result.status is Status.PASS, f"{result.status.value}: {result.message}"


def check_wrong(judge: Judge, puzzle: str, case: Wrong) -> None:
    result, kinds = run(judge, puzzle, case.source)
    assert result.status is case.status, f"{result.status.value}: {result.message}"
    if case.mismatch is not None:
        assert case.mismatch in kinds, f"{kinds}: {result.message}"
    if case.says is not None:
        assert case.says in result.message, result.message


# -- act2.log_softmax --------------------------------------------------------------------------

LOG_SOFTMAX_RIGHT = {
    "max with values, subtracted in two steps": """
        import torch

        def log_softmax(x, dim=-1):
            m = x.max(dim=dim, keepdim=True).values
            return x - m - (x - m).exp().sum(dim=dim, keepdim=True).log()
    """,
    "detached maximum": """
        import torch

        def log_softmax(x, dim=-1):
            shifted = x - x.amax(dim=dim, keepdim=True).detach()
            return shifted - torch.log(torch.sum(torch.exp(shifted), dim=dim, keepdim=True))
    """,
    "move dim to the end and back": """
        import torch

        def log_softmax(x, dim=-1):
            y = x.movedim(dim, -1)
            y = y - y.amax(-1, keepdim=True)
            return (y - y.exp().sum(-1, keepdim=True).log()).movedim(-1, dim)
    """,
}

LOG_SOFTMAX_WRONG = {
    "sum without keepdim": Wrong("""
        import torch

        def log_softmax(x, dim=-1):
            shifted = x - x.amax(dim=dim, keepdim=True)
            return shifted - shifted.exp().sum(dim=dim).log()
    """, Status.RUNTIME_ERROR, None, "size of tensor"),
    "computed in float64, returned in float64": Wrong("""
        import torch

        def log_softmax(x, dim=-1):
            x = x.double()
            shifted = x - x.amax(dim=dim, keepdim=True)
            return shifted - shifted.exp().sum(dim=dim, keepdim=True).log()
    """, Status.WRONG_ANSWER, "dtype", "dtype float64 but expected float32"),
    "probabilities clamped before the log": Wrong("""
        import torch

        def log_softmax(x, dim=-1):
            e = (x - x.amax(dim=dim, keepdim=True)).exp()
            return (e / e.sum(dim=dim, keepdim=True)).clamp_min(1e-30).log()
    """, Status.WRONG_ANSWER, "values", "magnitudes of 1e4"),
    "masked entries hidden as -1e4": Wrong("""
        import torch

        def log_softmax(x, dim=-1):
            shifted = x - x.amax(dim=dim, keepdim=True)
            out = shifted - shifted.exp().sum(dim=dim, keepdim=True).log()
            return out.nan_to_num(neginf=-1e4)
    """, Status.WRONG_ANSWER, "values", "-inf entries"),
    "shift done in place on the input": Wrong("""
        import torch

        def log_softmax(x, dim=-1):
            x -= x.amax(dim=dim, keepdim=True)
            return x - x.exp().sum(dim=dim, keepdim=True).log()
    """, Status.WRONG_ANSWER, "mutated", "changed its input"),
    "log base 2": Wrong("""
        import torch

        def log_softmax(x, dim=-1):
            shifted = x - x.amax(dim=dim, keepdim=True)
            return shifted - shifted.exp().sum(dim=dim, keepdim=True).log2()
    """, Status.WRONG_ANSWER, "values", None),
}


@pytest.mark.parametrize("name", LOG_SOFTMAX_RIGHT)
def test_log_softmax_other_correct_answers_pass(judge, name):
    check_right(judge, "act2.log_softmax", LOG_SOFTMAX_RIGHT[name])


@pytest.mark.parametrize("name", LOG_SOFTMAX_WRONG)
def test_log_softmax_mistakes_are_named(judge, name):
    check_wrong(judge, "act2.log_softmax", LOG_SOFTMAX_WRONG[name])


# -- act2.cross_entropy ------------------------------------------------------------------------

_LOGP = """
        def _logp(logits):
            shifted = logits - logits.amax(dim=1, keepdim=True)
            return shifted - shifted.exp().sum(dim=1, keepdim=True).log()
"""

CROSS_ENTROPY_RIGHT = {
    "one-hot target distribution": """
        import torch
        import torch.nn.functional as F
""" + _LOGP + """
        def cross_entropy(logits, target, ignore_index=-100, label_smoothing=0.0):
            logp = _logp(logits)
            keep = target != ignore_index
            c = logits.shape[1]
            onehot = F.one_hot(torch.where(keep, target, 0), c).to(logits.dtype)
            q = (1 - label_smoothing) * onehot + label_smoothing / c
            per_row = -(q * logp).sum(dim=1)
            return (per_row * keep).sum() / keep.sum()
    """,
    "keep only the rows that count": """
        import torch
""" + _LOGP + """
        def cross_entropy(logits, target, ignore_index=-100, label_smoothing=0.0):
            keep = target != ignore_index
            logp = _logp(logits)[keep]
            t = target[keep]
            nll = -logp[torch.arange(len(t)), t]
            return ((1 - label_smoothing) * nll - label_smoothing * logp.mean(dim=1)).mean()
    """,
    "sum reductions and an explicit count": """
        import torch
""" + _LOGP + """
        def cross_entropy(logits, target, ignore_index=-100, label_smoothing=0.0):
            logp = _logp(logits)
            keep = (target != ignore_index).to(logits.dtype)
            safe = target.clamp(0, logits.shape[1] - 1)
            nll = -logp.gather(1, safe[:, None])[:, 0]
            smooth = -logp.sum(dim=1) / logits.shape[1]
            total = ((1 - label_smoothing) * nll + label_smoothing * smooth) * keep
            return total.sum() / keep.sum()
    """,
}

CROSS_ENTROPY_WRONG = {
    "log-sum-exp minus the target's logit": Wrong("""
        import torch

        def cross_entropy(logits, target, ignore_index=-100, label_smoothing=0.0):
            m = logits.amax(dim=1, keepdim=True)
            lse = m + (logits - m).exp().sum(dim=1, keepdim=True).log()
            logp = logits - lse
            keep = target != ignore_index
            picked = logp.gather(1, torch.where(keep, target, 0)[:, None])[:, 0]
            per_row = -(1 - label_smoothing) * picked - label_smoothing * logp.mean(dim=1)
            return torch.where(keep, per_row, 0.0).sum() / keep.sum()
    """, Status.WRONG_ANSWER, "values", "logits clustered around 1e4"),
    "label smoothing forgotten": Wrong("""
        import torch
""" + _LOGP + """
        def cross_entropy(logits, target, ignore_index=-100, label_smoothing=0.0):
            logp = _logp(logits)
            keep = target != ignore_index
            picked = logp.gather(1, torch.where(keep, target, 0)[:, None])[:, 0]
            return torch.where(keep, -picked, 0.0).sum() / keep.sum()
    """, Status.WRONG_ANSWER, "values", "label smoothing is missing"),
    "ignored rows still smoothed": Wrong("""
        import torch
""" + _LOGP + """
        def cross_entropy(logits, target, ignore_index=-100, label_smoothing=0.0):
            logp = _logp(logits)
            keep = target != ignore_index
            picked = logp.gather(1, torch.where(keep, target, 0)[:, None])[:, 0]
            nll = torch.where(keep, -(1 - label_smoothing) * picked, 0.0)
            return (nll - label_smoothing * logp.mean(dim=1)).sum() / keep.sum()
    """, Status.WRONG_ANSWER, "values", "label-smoothing term was counted"),
    "a Python float": Wrong("""
        import torch
""" + _LOGP + """
        def cross_entropy(logits, target, ignore_index=-100, label_smoothing=0.0):
            logp = _logp(logits)
            keep = target != ignore_index
            picked = logp.gather(1, torch.where(keep, target, 0)[:, None])[:, 0]
            per_row = -(1 - label_smoothing) * picked - label_smoothing * logp.mean(dim=1)
            return (torch.where(keep, per_row, 0.0).sum() / keep.sum()).item()
    """, Status.WRONG_ANSWER, "type", "expected a torch.Tensor"),
    "gather on the raw targets": Wrong("""
        import torch
""" + _LOGP + """
        def cross_entropy(logits, target, ignore_index=-100, label_smoothing=0.0):
            logp = _logp(logits)
            keep = target != ignore_index
            picked = logp.gather(1, target[:, None])[:, 0]
            per_row = -(1 - label_smoothing) * picked - label_smoothing * logp.mean(dim=1)
            return torch.where(keep, per_row, 0.0).sum() / keep.sum()
    """, Status.RUNTIME_ERROR, None, "out of bounds"),
}


@pytest.mark.parametrize("name", CROSS_ENTROPY_RIGHT)
def test_cross_entropy_other_correct_answers_pass(judge, name):
    check_right(judge, "act2.cross_entropy", CROSS_ENTROPY_RIGHT[name])


@pytest.mark.parametrize("name", CROSS_ENTROPY_WRONG)
def test_cross_entropy_mistakes_are_named(judge, name):
    check_wrong(judge, "act2.cross_entropy", CROSS_ENTROPY_WRONG[name])


# -- act2.warmup_cosine ------------------------------------------------------------------------

WARMUP_RIGHT = {
    "a subclass of LRScheduler": """
        import math

        from torch.optim.lr_scheduler import LRScheduler

        class WarmupCosine(LRScheduler):
            def __init__(self, optimizer, warmup, total, ratio):
                self.warmup, self.total, self.ratio = warmup, total, ratio
                super().__init__(optimizer)

            def get_lr(self):
                s = self.last_epoch
                if s < self.warmup:
                    f = (s + 1) / self.warmup
                elif s <= self.total:
                    t = (s - self.warmup) / (self.total - self.warmup)
                    f = self.ratio + (1 - self.ratio) * 0.5 * (1 + math.cos(math.pi * t))
                else:
                    f = self.ratio
                return [base * f for base in self.base_lrs]

        def warmup_cosine(optimizer, warmup_steps, total_steps, min_lr_ratio=0.0):
            return WarmupCosine(optimizer, warmup_steps, total_steps, min_lr_ratio)
    """,
    "one lambda per group": """
        import math

        import torch

        def warmup_cosine(optimizer, warmup_steps, total_steps, min_lr_ratio=0.0):
            w, t, r = warmup_steps, total_steps, min_lr_ratio

            def f(s):
                if s < w:
                    return (s + 1) / w
                if s > t:
                    return r
                return r + (1 - r) * (1 + math.cos(math.pi * (s - w) / (t - w))) / 2

            groups = len(optimizer.param_groups)
            return torch.optim.lr_scheduler.LambdaLR(optimizer, [f] * groups)
    """,
    "a callable object, saved in the state_dict": """
        import math

        from torch.optim.lr_scheduler import LambdaLR

        class Factor:
            def __init__(self, w, t, r):
                self.w, self.t, self.r = w, t, r

            def __call__(self, s):
                if s < self.w:
                    return (s + 1) / self.w
                p = min(s - self.w, self.t - self.w) / (self.t - self.w)
                return self.r + (1 - self.r) * 0.5 * (1 + math.cos(math.pi * p))

        def warmup_cosine(optimizer, warmup_steps, total_steps, min_lr_ratio=0.0):
            return LambdaLR(optimizer, Factor(warmup_steps, total_steps, min_lr_ratio))
    """,
}

_SCHEDULE = """
        import math

        from torch.optim.lr_scheduler import LambdaLR

        def warmup_cosine(optimizer, warmup_steps, total_steps, min_lr_ratio=0.0):
            w, t, r = warmup_steps, total_steps, min_lr_ratio

            def f(s):
                {body}

            return LambdaLR(optimizer, f)
"""


def schedule(body: str) -> str:
    return _SCHEDULE.replace("{body}", dedent(body).strip().replace("\n", "\n" + " " * 16))


WARMUP_WRONG = {
    "the cosine starts one step late": Wrong(schedule("""
        if s < w:
            return (s + 1) / w
        p = min(1.0, (s + 1 - w) / (t - w))
        return r + (1 - r) * 0.5 * (1 + math.cos(math.pi * p))
    """), Status.WRONG_ANSWER, "values", "your cosine is one step ahead"),
    "the cosine spans total_steps": Wrong(schedule("""
        if s < w:
            return (s + 1) / w
        return r + (1 - r) * 0.5 * (1 + math.cos(math.pi * min(s, t) / t))
    """), Status.WRONG_ANSWER, "values", "your cosine runs over all total_steps"),
    "the warmup divides by zero without one": Wrong(schedule("""
        warm = min(1.0, (s + 1) / w)
        p = min(1.0, max(0, s - w) / (t - w))
        return warm if s < w else r + (1 - r) * 0.5 * (1 + math.cos(math.pi * p))
    """), Status.RUNTIME_ERROR, None, "ZeroDivisionError"),
    "float32 arithmetic": Wrong(schedule("""
        import torch
        if s < w:
            return (s + 1) / w
        p = torch.tensor(min(1.0, (s - w) / (t - w)))
        return float(r + (1 - r) * 0.5 * (1 + torch.cos(math.pi * p)))
    """), Status.WRONG_ANSWER, "values", "has lr"),
    "every group follows the optimizer's default lr": Wrong("""
        import math

        from torch.optim.lr_scheduler import LambdaLR

        def warmup_cosine(optimizer, warmup_steps, total_steps, min_lr_ratio=0.0):
            w, t, r = warmup_steps, total_steps, min_lr_ratio
            for group in optimizer.param_groups:
                group["lr"] = optimizer.defaults["lr"]

            def f(s):
                if s < w:
                    return (s + 1) / w
                p = min(1.0, (s - w) / (t - w))
                return r + (1 - r) * 0.5 * (1 + math.cos(math.pi * p))

            return LambdaLR(optimizer, f)
    """, Status.WRONG_ANSWER, "values", "yours all follow the optimizer's default"),
}


@pytest.mark.parametrize("name", WARMUP_RIGHT)
def test_warmup_cosine_other_correct_answers_pass(judge, name):
    check_right(judge, "act2.warmup_cosine", WARMUP_RIGHT[name])


@pytest.mark.parametrize("name", WARMUP_WRONG)
def test_warmup_cosine_mistakes_are_named(judge, name):
    check_wrong(judge, "act2.warmup_cosine", WARMUP_WRONG[name])


# -- act2.batchnorm ----------------------------------------------------------------------------

_BN_INIT = """
        import torch
        from torch import nn

        class BatchNorm(nn.Module):
            def __init__(self, num_features, eps=1e-5, momentum=0.1):
                super().__init__()
                self.eps, self.momentum = eps, momentum
                self.weight = nn.Parameter(torch.ones(num_features))
                self.bias = nn.Parameter(torch.zeros(num_features))
                self.register_buffer("running_mean", torch.zeros(num_features))
                self.register_buffer("running_var", torch.ones(num_features))
                self.register_buffer("num_batches_tracked", torch.tensor(0, dtype=torch.long))
"""


def batchnorm(forward: str, init: str = _BN_INIT) -> str:
    return init + "\n" + " " * 12 + dedent(forward).strip().replace("\n", "\n" + " " * 12) + "\n"


BATCHNORM_RIGHT = {
    "mean of squared deviations": batchnorm("""
        def forward(self, x):
            dims = [0] + list(range(2, x.dim()))
            shape = (1, -1) + (1,) * (x.dim() - 2)
            if self.training:
                mean = x.mean(dim=dims, keepdim=True)
                var = ((x - mean) ** 2).mean(dim=dims, keepdim=True)
                n = x.numel() / x.shape[1]
                with torch.no_grad():
                    m = self.momentum
                    self.running_mean.copy_((1 - m) * self.running_mean + m * mean.flatten())
                    self.running_var.copy_(
                        (1 - m) * self.running_var + m * var.flatten() * n / (n - 1))
                    self.num_batches_tracked.add_(1)
            else:
                mean, var = self.running_mean.view(shape), self.running_var.view(shape)
            return (x - mean) / (var + self.eps).sqrt() * self.weight.view(shape) \\
                + self.bias.view(shape)
    """),
    "var_mean with correction=0": batchnorm("""
        def forward(self, x):
            dims = tuple(i for i in range(x.dim()) if i != 1)
            shape = [1] * x.dim()
            shape[1] = -1
            if self.training:
                var, mean = torch.var_mean(x, dim=dims, correction=0)
                with torch.no_grad():
                    unbiased = torch.var(x.detach(), dim=dims, correction=1)
                    self.running_mean.lerp_(mean.detach(), self.momentum)
                    self.running_var.lerp_(unbiased, self.momentum)
                    self.num_batches_tracked += 1
            else:
                mean, var = self.running_mean, self.running_var
            scale = self.weight / torch.sqrt(var + self.eps)
            return (x - mean.reshape(shape)) * scale.reshape(shape) + self.bias.reshape(shape)
    """),
    "channels first, flattened": batchnorm("""
        def forward(self, x):
            c = x.shape[1]
            shape = [1, c] + [1] * (x.dim() - 2)
            if self.training:
                flat = x.transpose(0, 1).reshape(c, -1)
                mean = flat.mean(dim=1)
                var = flat.var(dim=1, unbiased=False)
                with torch.no_grad():
                    self.running_mean.mul_(1 - self.momentum).add_(self.momentum * mean)
                    self.running_var.mul_(1 - self.momentum).add_(
                        self.momentum * flat.var(dim=1))
                    self.num_batches_tracked += 1
            else:
                mean, var = self.running_mean, self.running_var
            x_hat = (x - mean.reshape(shape)) * torch.rsqrt(var.reshape(shape) + self.eps)
            return self.weight.reshape(shape) * x_hat + self.bias.reshape(shape)
    """),
}

_BN_FORWARD = """
        def forward(self, x):
            dims = [0, *range(2, x.dim())]
            shape = [1, -1] + [1] * (x.dim() - 2)
            mean, var = x.mean(dim=dims), x.var(dim=dims, unbiased=False)
            n = x.numel() // x.shape[1]
            if {update}:
                with torch.no_grad():
                    self.running_mean.lerp_(mean, self.momentum)
                    self.running_var.lerp_({running_var}, self.momentum)
                    {count}
            if not self.training:
                mean, var = self.running_mean, self.running_var
            x_hat = (x - mean.view(shape)) / {denominator}
            return x_hat * self.weight.view(shape) + self.bias.view(shape)
"""


def bn_variant(update="self.training", running_var="var * n / (n - 1)",
               count="self.num_batches_tracked += 1",
               denominator="torch.sqrt(var.view(shape) + self.eps)",
               init: str = _BN_INIT) -> str:
    forward = _BN_FORWARD.replace("{update}", update).replace("{running_var}", running_var) \
        .replace("{count}", count).replace("{denominator}", denominator)
    return batchnorm(forward, init)


BATCHNORM_WRONG = {
    "eps outside the square root": Wrong(bn_variant(
        denominator="(torch.sqrt(var.view(shape)) + self.eps)"),
        Status.WRONG_ANSWER, "values", "eps belongs inside the square root"),
    "running_var from the biased variance": Wrong(bn_variant(running_var="var"),
        Status.WRONG_ANSWER, "values", "running_var is updated with the unbiased"),
    "num_batches_tracked never counts": Wrong(bn_variant(count="pass"),
        Status.WRONG_ANSWER, "values", "num_batches_tracked must grow by 1"),
    "eval mode updates the statistics": Wrong(bn_variant(update="True"),
        Status.WRONG_ANSWER, "values", "eval mode must update nothing"),
    "a float counter": Wrong(bn_variant(init=_BN_INIT.replace(
        "torch.tensor(0, dtype=torch.long)", "torch.tensor(0.0)")),
        Status.WRONG_ANSWER, "dtype", "num_batches_tracked"),
    "statistics kept as plain attributes": Wrong(bn_variant(init=_BN_INIT.replace(
        'self.register_buffer("running_mean", torch.zeros(num_features))',
        "self.running_mean = torch.zeros(num_features)")),
        # A plain attribute does not follow the module to float64 (nor into its state_dict).
        Status.RUNTIME_ERROR, None, "self.running_mean.lerp_(mean, self.momentum)"),
}


@pytest.mark.parametrize("name", BATCHNORM_RIGHT)
def test_batchnorm_other_correct_answers_pass(judge, name):
    check_right(judge, "act2.batchnorm", BATCHNORM_RIGHT[name])


@pytest.mark.parametrize("name", BATCHNORM_WRONG)
def test_batchnorm_mistakes_are_named(judge, name):
    check_wrong(judge, "act2.batchnorm", BATCHNORM_WRONG[name])


# -- act2.demo_day -----------------------------------------------------------------------------

DEMO_RIGHT = {
    "modes by name, no_grad, finally": """
        import torch

        def predict(model, x):
            modes = {name: m.training for name, m in model.named_modules()}
            model.eval()
            try:
                with torch.no_grad():
                    return model(x)
            finally:
                for name, m in model.named_modules():
                    m.training = modes[name]
    """,
    "a decorated function": """
        import torch

        @torch.no_grad()
        def predict(model, x):
            modes = [m.training for m in model.modules()]
            out = model.eval()(x)
            for m, flag in zip(model.modules(), modes):
                m.train(flag)
            return out
    """,
    "a deep copy in eval mode": """
        import copy

        import torch

        def predict(model, x):
            twin = copy.deepcopy(model).eval()
            with torch.inference_mode():
                return twin(x)
    """,
}

_DEMO = """
        import torch

        def predict(model, x):
            {body}
"""


def demo(body: str) -> str:
    return _DEMO.replace("{body}", dedent(body).strip().replace("\n", "\n" + " " * 12))


DEMO_WRONG = {
    "train() at the end, whatever was found": Wrong(demo("""
        model.eval()
        with torch.no_grad():
            out = model(x)
        model.train()
        return out
    """), Status.WRONG_ANSWER, "values", "was in eval mode when you got the model"),
    "only the dropout switched off": Wrong(demo("""
        drop = model[3]
        was = drop.training
        drop.eval()
        with torch.no_grad():
            out = model(x)
        drop.train(was)
        return out
    """), Status.WRONG_ANSWER, "values", "running statistics"),
    "probabilities instead of the output": Wrong(demo("""
        modes = [(m, m.training) for m in model.modules()]
        model.eval()
        with torch.no_grad():
            out = model(x).softmax(dim=1)
        for m, flag in modes:
            m.train(flag)
        return out
    """), Status.WRONG_ANSWER, "values", "these are probabilities"),
    "eval inside inference_mode, then train()": Wrong(demo("""
        with torch.inference_mode():
            model.eval()
            out = model(x)
        model.train()
        return out
    """), Status.WRONG_ANSWER, "values", "you left it in training mode"),
    "gradients on, output detached, modes kept": Wrong(demo("""
        modes = [(m, m.training) for m in model.modules()]
        model.eval()
        out = model(x)
        for m, flag in modes:
            m.train(flag)
        return out.detach().clone()
    """), Status.WRONG_ANSWER, "values", "built an autograd graph"),
    "returns a numpy array": Wrong(demo("""
        modes = [(m, m.training) for m in model.modules()]
        model.eval()
        with torch.no_grad():
            out = model(x)
        for m, flag in modes:
            m.train(flag)
        return out.numpy()
    """), Status.RUNTIME_ERROR, None, "predict must return a tensor"),
}


@pytest.mark.parametrize("name", DEMO_RIGHT)
def test_demo_day_other_correct_answers_pass(judge, name):
    check_right(judge, "act2.demo_day", DEMO_RIGHT[name])


@pytest.mark.parametrize("name", DEMO_WRONG)
def test_demo_day_mistakes_are_named(judge, name):
    check_wrong(judge, "act2.demo_day", DEMO_WRONG[name])
