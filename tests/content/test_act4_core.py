"""Act IV's quick puzzles through the real judge: act4.settle, act4.implicit_backward,
act4.bce_with_logits, act4.branch_not_taken, act4.nan_hunt and act4.tuesday_picture.

The author check already runs each puzzle's solution, starter and mutants; these are other
answers a learner might write: correct ones in different idioms must pass, and plausible
mistakes must get the verdict, the mismatch kind and the explanation that name them.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
import tomllib

from game.core.content import load_catalog
from game.core.result import Result, Status
from game.engine.judge import Judge

SEED = 4040
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def judge() -> Iterator[Judge]:
    with Judge(load_catalog()) as j:
        yield j


def verify(judge: Judge, puzzle: str, source: str) -> Result:
    return judge.verify(puzzle, textwrap.dedent(source).strip() + "\n", seed=SEED)


def kinds(result: Result) -> set[str]:
    return {t.mismatch for t in result.tests if t.mismatch}


# -- act4.settle -------------------------------------------------------------------------------

SETTLE_RIGHT = {
    "batched with an active mask and torch.where": """
        import torch

        def settle(x, w, tol, max_steps):
            h = torch.zeros_like(x)
            steps = torch.full((x.shape[0],), max_steps, dtype=torch.int64)
            active = torch.ones(x.shape[0], dtype=torch.bool)
            for t in range(1, max_steps + 1):
                if not active.any():
                    break
                new = torch.tanh(x + h @ w)
                now = active & ((new - h).abs().amax(dim=1) < tol)
                h = torch.where(active[:, None], new, h)
                steps = torch.where(now, torch.full_like(steps, t), steps)
                active = active & ~now
            return h, steps
    """,
    "a while loop per row": """
        import torch

        def settle(x, w, tol, max_steps):
            hs, ts = [], []
            for i in range(x.shape[0]):
                h, t = x.new_zeros(x.shape[1]), 0
                while t < max_steps:
                    t += 1
                    new = (x[i] + h @ w).tanh()
                    done = bool((new - h).abs().max() < tol)
                    h = new
                    if done:
                        break
                hs.append(h)
                ts.append(t)
            if not hs:
                return x.new_zeros(x.shape), torch.zeros(0, dtype=torch.long)
            return torch.stack(hs), torch.tensor(ts)
    """,
    "rows kept as (1, D) slices and concatenated": """
        import torch

        def settle(x, w, tol, max_steps):
            outs = [x[:0]]
            steps = []
            for b in range(len(x)):
                row = x[b:b + 1]
                h = torch.zeros_like(row)
                for t in range(1, max_steps + 1):
                    new = torch.tanh(row + torch.matmul(h, w))
                    delta = (new - h).abs().max().item()
                    h = new
                    if delta < tol:
                        break
                outs.append(h)
                steps.append(t)
            return torch.cat(outs), torch.tensor(steps, dtype=torch.int64)
    """,
}

SETTLE_WRONG = {
    "stops at the step before the small update": ("""
        import torch

        def settle(x, w, tol, max_steps):
            hs, ts = [], []
            for row in x:
                h = torch.zeros_like(row)
                for t in range(1, max_steps + 1):
                    new = torch.tanh(row + h @ w)
                    if (new - h).abs().max() < tol:
                        break  # keeps the old h
                    h = new
                hs.append(h)
                ts.append(t)
            h = torch.stack(hs) if hs else torch.zeros_like(x)
            return h, torch.tensor(ts, dtype=torch.int64)
    """, Status.WRONG_ANSWER, "values", "output[0]"),
    "tolerance compared with <=": ("""
        import torch

        def settle(x, w, tol, max_steps):
            hs, ts = [], []
            for row in x:
                h = torch.zeros_like(row)
                for t in range(1, max_steps + 1):
                    new = torch.tanh(row + h @ w)
                    done = (new - h).abs().max() < tol * 10
                    h = new
                    if done:
                        break
                hs.append(h)
                ts.append(t)
            h = torch.stack(hs) if hs else torch.zeros_like(x)
            return h, torch.tensor(ts, dtype=torch.int64)
    """, Status.WRONG_ANSWER, "values", None),
    "steps as float": ("""
        import torch

        def settle(x, w, tol, max_steps):
            hs, ts = [], []
            for row in x:
                h = torch.zeros_like(row)
                for t in range(1, max_steps + 1):
                    new = torch.tanh(row + h @ w)
                    done = (new - h).abs().max() < tol
                    h = new
                    if done:
                        break
                hs.append(h)
                ts.append(float(t))
            h = torch.stack(hs) if hs else torch.zeros_like(x)
            return h, torch.tensor(ts)
    """, Status.WRONG_ANSWER, "dtype", "int64"),
    "w transposed": ("""
        import torch

        def settle(x, w, tol, max_steps):
            hs, ts = [], []
            for row in x:
                h = torch.zeros_like(row)
                for t in range(1, max_steps + 1):
                    new = torch.tanh(row + w @ h)
                    done = (new - h).abs().max() < tol
                    h = new
                    if done:
                        break
                hs.append(h)
                ts.append(t)
            h = torch.stack(hs) if hs else torch.zeros_like(x)
            return h, torch.tensor(ts, dtype=torch.int64)
    """, Status.WRONG_ANSWER, "values", None),
    "the state rebuilt from numbers": ("""
        import torch

        def settle(x, w, tol, max_steps):
            hs, ts = [], []
            for row in x:
                h = torch.zeros_like(row)
                for t in range(1, max_steps + 1):
                    new = torch.tanh(row + h @ w)
                    done = (new - h).abs().max() < tol
                    h = torch.tensor(new.tolist(), dtype=x.dtype)
                    if done:
                        break
                hs.append(h)
                ts.append(t)
            h = torch.stack(hs) if hs else torch.zeros_like(x)
            return h, torch.tensor(ts, dtype=torch.int64)
    """, Status.WRONG_ANSWER, "gradient", "graph"),
    "the empty batch forgotten": ("""
        import torch

        def settle(x, w, tol, max_steps):
            hs, ts = [], []
            for row in x:
                h = torch.zeros_like(row)
                for t in range(1, max_steps + 1):
                    new = torch.tanh(row + h @ w)
                    done = (new - h).abs().max() < tol
                    h = new
                    if done:
                        break
                hs.append(h)
                ts.append(t)
            return torch.stack(hs), torch.tensor(ts, dtype=torch.int64)
    """, Status.RUNTIME_ERROR, None, "empty batch"),
}

# -- act4.implicit_backward --------------------------------------------------------------------

NEWTON = """
    import torch

    def newton_solve(x):
        with torch.no_grad():
            y = torch.sign(x) * torch.minimum(x.abs(), x.abs().pow(1 / 3))
            for _ in range(30):
                y = y - (y * y * y + y - x) / (3 * y * y + 1)
        return y
"""


def with_newton(body: str) -> str:
    return textwrap.dedent(NEWTON) + "\n\n" + textwrap.dedent(body)


IMPLICIT_RIGHT = {
    "one differentiable Newton step from the detached answer": with_newton("""
        def solve_cubic(x):
            y = newton_solve(x).detach()
            # At the root this step changes nothing, and its gradient is exactly 1 / (3y² + 1).
            return y - (y * y * y + y - x) / (3 * y * y + 1)
    """),
    "ctx attribute and the derivative written as 1 / f'(y)": with_newton("""
        class Cubic(torch.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                y = newton_solve(x)
                ctx.y = y
                return y

            @staticmethod
            def backward(ctx, g):
                return g * torch.reciprocal(3 * ctx.y.pow(2) + 1)

        def solve_cubic(x):
            return Cubic.apply(x)
    """),
    "setup_context style Function": with_newton("""
        class Cubic(torch.autograd.Function):
            @staticmethod
            def forward(x):
                return newton_solve(x)

            @staticmethod
            def setup_context(ctx, inputs, output):
                ctx.save_for_backward(output)

            @staticmethod
            def backward(ctx, g):
                (y,) = ctx.saved_tensors
                return g / (1 + 3 * y * y)

        def solve_cubic(x):
            return Cubic.apply(x)
    """),
}

FN = """
    class Cubic(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            y = newton_solve(x)
            ctx.save_for_backward(x, y)
            return y

        @staticmethod
        def backward(ctx, g):
            x, y = ctx.saved_tensors
            return BACKWARD

    def solve_cubic(x):
        return Cubic.apply(x)
"""


def with_backward(expr: str) -> str:
    return with_newton(FN.replace("BACKWARD", expr))


IMPLICIT_WRONG = {
    "the slope of y³ alone": (with_backward("g / (3 * y * y)"), Status.WRONG_ANSWER,
                             "gradient", None),
    "slope at x instead of y": (with_backward("g / (3 * x * x + 1)"), Status.WRONG_ANSWER,
                                "gradient", None),
    "sign flipped": (with_backward("-g / (3 * y * y + 1)"), Status.WRONG_ANSWER, "gradient",
                     None),
    "backward returns None": (with_backward("None"), Status.WRONG_ANSWER, "gradient",
                              "no gradient reached"),
    "finite differences of the solver as the backward": (with_backward(
        "g * (newton_solve(x + 1e-3) - newton_solve(x - 1e-3)) / 2e-3"),
        Status.WRONG_ANSWER, "gradient", None),
    "forward through a float32 solver for float64 inputs": (with_newton("""
        class Cubic(torch.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                y = newton_solve(x.float()).to(x.dtype)
                ctx.save_for_backward(y)
                return y

            @staticmethod
            def backward(ctx, g):
                (y,) = ctx.saved_tensors
                return g / (3 * y * y + 1)

        def solve_cubic(x):
            return Cubic.apply(x)
    """), Status.WRONG_ANSWER, "values", None),
}

# -- act4.bce_with_logits ----------------------------------------------------------------------

BCE_RIGHT = {
    "PyTorch's own formula with torch.maximum": """
        import torch

        def bce_with_logits(z, y, pos_weight=None):
            w = 1.0 if pos_weight is None else pos_weight
            zero = torch.zeros_like(z)
            sp_neg = torch.maximum(-z, zero) + torch.log1p(torch.exp(-z.abs()))
            return ((1 - y) * z + (1 + (w - 1) * y) * sp_neg).mean()
    """,
    "log-sigmoid via torch.minimum, both halves": """
        import torch

        def bce_with_logits(z, y, pos_weight=None):
            tail = torch.log1p(torch.exp(-torch.abs(z)))
            log_p = torch.minimum(z, torch.zeros_like(z)) - tail
            log_q = torch.minimum(-z, torch.zeros_like(z)) - tail
            loss = -(y * log_p * (1 if pos_weight is None else pos_weight) + (1 - y) * log_q)
            return loss.sum() / z.numel() if z.numel() else loss.mean()
    """,
    "logaddexp with a zero": """
        import torch

        def bce_with_logits(z, y, pos_weight=None):
            zero = torch.zeros_like(z)
            sp_pos = torch.logaddexp(zero, z)   # log(1 + e^z)
            sp_neg = torch.logaddexp(zero, -z)  # log(1 + e^-z)
            w = torch.ones_like(z) if pos_weight is None else pos_weight
            return torch.mean(w * y * sp_neg + (1 - y) * sp_pos)
    """,
}

BCE_WRONG = {
    "relu at the kink": ("""
        import torch

        def bce_with_logits(z, y, pos_weight=None):
            w = 1.0 if pos_weight is None else pos_weight
            sp_neg = torch.relu(-z) + torch.log1p(torch.exp(-z.abs()))
            return ((1 - y) * z + (1 + (w - 1) * y) * sp_neg).mean()
    """, Status.WRONG_ANSWER, "gradient", "exactly 0"),
    "sigmoid clamped away from 0 and 1": ("""
        import torch

        def bce_with_logits(z, y, pos_weight=None):
            p = torch.sigmoid(z).clamp(1e-7, 1 - 1e-7)
            w = 1.0 if pos_weight is None else pos_weight
            return -(w * y * torch.log(p) + (1 - y) * torch.log(1 - p)).mean()
    """, Status.WRONG_ANSWER, "values", "1e4"),
    "pos_weight on the negative term": ("""
        import torch

        def bce_with_logits(z, y, pos_weight=None):
            tail = 0.5 * z.abs() + torch.log1p(torch.exp(-z.abs()))
            w = 1.0 if pos_weight is None else pos_weight
            return -(y * (0.5 * z - tail) + w * (1 - y) * (-0.5 * z - tail)).mean()
    """, Status.WRONG_ANSWER, "values", None),
    "hard targets assumed": ("""
        import torch

        def bce_with_logits(z, y, pos_weight=None):
            tail = 0.5 * z.abs() + torch.log1p(torch.exp(-z.abs()))
            w = 1.0 if pos_weight is None else pos_weight
            pos = w * (tail - 0.5 * z)
            neg = tail + 0.5 * z
            return torch.where(y > 0.5, pos, neg).mean()
    """, Status.WRONG_ANSWER, "values", None),
    "mean over the last dimension only": ("""
        import torch

        def bce_with_logits(z, y, pos_weight=None):
            tail = 0.5 * z.abs() + torch.log1p(torch.exp(-z.abs()))
            w = 1.0 if pos_weight is None else pos_weight
            return -(w * y * (0.5 * z - tail) + (1 - y) * (-0.5 * z - tail)).mean(-1)
    """, Status.WRONG_ANSWER, "shape", None),
    "softplus by another name": ("""
        import torch.nn.functional as F

        def bce_with_logits(z, y, pos_weight=None):
            w = 1.0 if pos_weight is None else pos_weight
            return ((1 - y) * z + (1 + (w - 1) * y) * F.softplus(-z)).mean()
    """, Status.CONSTRAINT_VIOLATION, None, "softplus"),
}

# -- act4.branch_not_taken ---------------------------------------------------------------------

ROOT_RIGHT = {
    "relu selects its gradient": """
        import torch

        def root_or_zero(x):
            return torch.relu(x).sqrt()
    """,
    "masked_fill of a safe input": """
        import torch

        def root_or_zero(x):
            off = x <= 0
            return x.masked_fill(off, 1.0).sqrt().masked_fill(off, 0.0)
    """,
    "where with a python scalar and clamp of the safe branch": """
        import torch

        def root_or_zero(x):
            pos = x > 0
            return torch.where(pos, torch.where(pos, x, 1.0).sqrt(), 0.0)
    """,
}

ROOT_WRONG = {
    "where with a scalar, single": ("""
        import torch

        def root_or_zero(x):
            return torch.where(x > 0, x.sqrt(), 0.0)
    """, Status.WRONG_ANSWER, "gradient", "NaN"),
    "abs inside the root": ("""
        import torch

        def root_or_zero(x):
            return torch.where(x > 0, x.abs().sqrt(), torch.zeros_like(x))
    """, Status.WRONG_ANSWER, "gradient", None),
    "x >= 0 as the condition": ("""
        import torch

        def root_or_zero(x):
            keep = x >= 0
            safe = torch.where(keep, x, torch.ones_like(x))
            return torch.where(keep, safe.sqrt(), torch.zeros_like(x))
    """, Status.WRONG_ANSWER, "gradient", "inf"),
    "sqrt of x squared": ("""
        import torch

        def root_or_zero(x):
            return torch.where(x > 0, (x * x).sqrt().sqrt(), torch.zeros_like(x))
    """, Status.WRONG_ANSWER, "gradient", None),
    "float64 everywhere": ("""
        import torch

        def root_or_zero(x):
            x = x.double()
            pos = x > 0
            return torch.where(pos, torch.where(pos, x, 1.0).sqrt(), 0.0)
    """, Status.WRONG_ANSWER, "dtype", None),
    "in-place clamp": ("""
        import torch

        def root_or_zero(x):
            pos = x > 0
            safe = torch.where(pos, x, 1.0)
            x.clamp_(min=0)
            return torch.where(pos, safe.sqrt(), 0.0)
    """, Status.WRONG_ANSWER, "mutated", None),
}

# -- act4.nan_hunt -----------------------------------------------------------------------------

HUNT_RIGHT = {
    "a closure per name, handles removed in finally": """
        import torch

        def first_nonfinite(model, x):
            first = []

            def guard(name):
                def hook(module, inputs, output):
                    if not first and not bool(torch.isfinite(output).all()):
                        first.append(name)
                return hook

            handles = [m.register_forward_hook(guard(n)) for n, m in model.named_modules()]
            try:
                model(x)
            finally:
                for h in handles:
                    h.remove()
            return first[0] if first else ""
    """,
    "every call logged, first bad one chosen after": """
        import torch

        def first_nonfinite(model, x):
            log = []
            names = dict((id(m), n) for n, m in model.named_modules())
            handles = []
            for m in model.modules():
                handles.append(m.register_forward_hook(
                    lambda mod, a, out: log.append(
                        (names[id(mod)], torch.isfinite(out).all().item()))))
            with torch.no_grad():
                model(x)
            for h in handles:
                h.remove()
            return next((n for n, ok in log if not ok), "")
    """,
    "a global module hook": """
        import torch
        from torch import nn

        def first_nonfinite(model, x):
            names = {m: n for n, m in model.named_modules()}
            bad = []

            def hook(module, inputs, output):
                if module in names and not bad and (output.isnan() | output.isinf()).any():
                    bad.append(names[module])

            handle = nn.modules.module.register_module_forward_hook(hook)
            try:
                with torch.no_grad():
                    model(x)
            finally:
                handle.remove()
            return bad[0] if bad else ""
    """,
}

HUNT_WRONG = {
    "only the direct children": ("""
        import torch

        def first_nonfinite(model, x):
            found = []
            hs = [m.register_forward_hook(
                      lambda mod, a, out, n=n:
                      found.append(n) if not torch.isfinite(out).all() else None)
                  for n, m in model.named_children()]
            model(x)
            for h in hs:
                h.remove()
            return found[0] if found else ""
    """, Status.WRONG_ANSWER, "values", "the first module whose output is not finite"),
    "the root's name for all-finite": ("""
        import torch

        def first_nonfinite(model, x):
            found = []
            hs = [m.register_forward_hook(
                      lambda mod, a, out, n=n:
                      found.append(n) if not torch.isfinite(out).all() else None)
                  for n, m in model.named_modules()]
            model(x)
            for h in hs:
                h.remove()
            return found[0] if found else "model"
    """, Status.WRONG_ANSWER, "values", "every output is finite"),
    "the name of the module's class": ("""
        import torch

        def first_nonfinite(model, x):
            found = []
            hs = [m.register_forward_hook(
                      lambda mod, a, out:
                      found.append(type(mod).__name__) if not torch.isfinite(out).all() else None)
                  for m in model.modules()]
            model(x)
            for h in hs:
                h.remove()
            return found[0] if found else ""
    """, Status.WRONG_ANSWER, "values", None),
    "inf checked with a comparison to a huge number": ("""
        import torch

        def first_nonfinite(model, x):
            found = []
            hs = [m.register_forward_hook(
                      lambda mod, a, out, n=n:
                      found.append(n) if (out.abs() > 1e38).any() else None)
                  for n, m in model.named_modules()]
            model(x)
            for h in hs:
                h.remove()
            return found[0] if found else ""
    """, Status.WRONG_ANSWER, "values", None),
    "returns the list of culprits": ("""
        import torch

        def first_nonfinite(model, x):
            found = []
            hs = [m.register_forward_hook(
                      lambda mod, a, out, n=n:
                      found.append(n) if not torch.isfinite(out).all() else None)
                  for n, m in model.named_modules()]
            model(x)
            for h in hs:
                h.remove()
            return found
    """, Status.RUNTIME_ERROR, None, "must return a str"),
}

# -- act4.tuesday_picture ----------------------------------------------------------------------

PICTURE_RIGHT = {
    "a forward hook on qkv, then einsum": """
        import math
        import torch

        def read_heads(model, tokens):
            seen = {}
            handle = model.qkv.register_forward_hook(lambda m, a, out: seen.setdefault("qkv", out))
            with torch.no_grad():
                model(tokens)
            handle.remove()
            t, d = tokens.shape[0], model.pos.shape[1]
            nh = model.n_heads
            q, k, _ = seen["qkv"].split(d, dim=-1)
            q, k = q.reshape(t, nh, d // nh), k.reshape(t, nh, d // nh)
            scores = torch.einsum("ihd,jhd->hij", q, k) / math.sqrt(d // nh)
            mask = torch.tril(torch.ones(t, t, dtype=torch.bool))
            maps = torch.softmax(scores.masked_fill(~mask, -math.inf), dim=-1)
            stripe = torch.stack([maps[:, i, i - 1] for i in range(1, t)], dim=1)
            return maps, int(stripe.sum(1).argmax().item())
    """,
    "weights sliced by hand and a large negative mask": """
        import math
        import torch

        def read_heads(model, tokens):
            t, d = len(tokens), model.qkv.weight.shape[1]
            nh, dh = model.n_heads, d // model.n_heads
            with torch.no_grad():
                h = model.embed.weight[tokens] + model.pos[:t]
                wq, wk = model.qkv.weight[:d], model.qkv.weight[d:2 * d]
                maps = []
                for head in range(nh):
                    q = h @ wq[head * dh:(head + 1) * dh].T
                    k = h @ wk[head * dh:(head + 1) * dh].T
                    s = (q @ k.T) / math.sqrt(dh)
                    s = s + torch.triu(torch.full((t, t), -1e30), 1)
                    maps.append(torch.softmax(s, dim=1))
                maps = torch.stack(maps)
            idx = torch.arange(1, t)
            return maps, int(maps[:, idx, idx - 1].mean(1).argmax())
    """,
    "scaled_dot_product_attention's recipe spelt out with baddbmm": """
        import math
        import torch

        def read_heads(model, tokens):
            t, d, nh = tokens.numel(), model.pos.shape[1], model.n_heads
            dh = d // nh
            with torch.no_grad():
                x = model.embed(tokens) + model.pos[:t]
                q, k, v = model.qkv(x).chunk(3, dim=-1)
                q = q.view(t, nh, dh).permute(1, 0, 2)
                k = k.view(t, nh, dh).permute(1, 0, 2)
                bias = torch.zeros(t, t).masked_fill(torch.ones(t, t).triu(1).bool(), float("-inf"))
                scores = torch.baddbmm(bias.expand(nh, t, t), q, k.transpose(1, 2),
                                       alpha=1 / math.sqrt(dh))
                maps = scores.softmax(-1)
            prev = maps.diagonal(-1, 1, 2).mean(-1)
            return maps, prev.argmax().item()
    """,
}

PICTURE_SOLUTION = (ROOT / "puzzles/act4/tuesday_picture/solution.py").read_text()


def picture_variant(old: str, new: str) -> str:
    assert old in PICTURE_SOLUTION, old
    return PICTURE_SOLUTION.replace(old, new)


PICTURE_WRONG = {
    "maps averaged over heads": (picture_variant(
        "    return maps, int(previous.argmax())",
        "    return maps.mean(0, keepdim=True), int(previous.argmax())"),
        Status.WRONG_ANSWER, "shape", None),
    "mask from tril with the wrong offset": (picture_variant(
        "torch.ones(t, t, dtype=torch.bool).triu(1)",
        "torch.ones(t, t, dtype=torch.bool).triu(0)"),
        Status.WRONG_ANSWER, "nan", None),
    "scale by d_model instead of d_head": (picture_variant(
        "math.sqrt(dh)", "math.sqrt(d)"), Status.WRONG_ANSWER, "values", None),
    "keys and queries swapped": (picture_variant(
        "scores = q @ k.transpose(-2, -1)", "scores = k @ q.transpose(-2, -1)"),
        Status.WRONG_ANSWER, "values", None),
    "heads numbered from 1": (picture_variant(
        "int(previous.argmax())", "int(previous.argmax()) + 1"),
        Status.WRONG_ANSWER, "values", "previous-token head is head"),
    "maps in float64": (picture_variant(
        "    return maps, int(previous.argmax())",
        "    return maps.double(), int(previous.argmax())"),
        Status.WRONG_ANSWER, "dtype", None),
}

RIGHT = {
    "act4.settle": SETTLE_RIGHT,
    "act4.implicit_backward": IMPLICIT_RIGHT,
    "act4.bce_with_logits": BCE_RIGHT,
    "act4.branch_not_taken": ROOT_RIGHT,
    "act4.nan_hunt": HUNT_RIGHT,
    "act4.tuesday_picture": PICTURE_RIGHT,
}
WRONG = {
    "act4.settle": SETTLE_WRONG,
    "act4.implicit_backward": IMPLICIT_WRONG,
    "act4.bce_with_logits": BCE_WRONG,
    "act4.branch_not_taken": ROOT_WRONG,
    "act4.nan_hunt": HUNT_WRONG,
    "act4.tuesday_picture": PICTURE_WRONG,
}


@pytest.mark.parametrize(("puzzle", "name"),
                         [(p, n) for p, answers in RIGHT.items() for n in answers])
def test_other_correct_answers_pass(judge: Judge, puzzle: str, name: str) -> None:
    res = verify(judge, puzzle, RIGHT[puzzle][name])
    assert res.status is Status.PASS, f"{res.status.value}: {res.message}"


@pytest.mark.parametrize(("puzzle", "name"),
                         [(p, n) for p, answers in WRONG.items() for n in answers])
def test_plausible_mistakes_fail(judge: Judge, puzzle: str, name: str) -> None:
    source, status, mismatch, says = WRONG[puzzle][name]
    res = verify(judge, puzzle, source)
    assert res.status is status, f"{res.status.value}: {res.message}"
    if mismatch is not None:
        assert mismatch in kinds(res), f"mismatch kinds {kinds(res)}: {res.message}"
    if says is not None:
        assert says in res.message, res.message


def test_the_tuesday_picture_carries_the_judges_maps(judge: Judge) -> None:
    res = verify(judge, "act4.tuesday_picture", PICTURE_SOLUTION)
    assert res.status is Status.PASS, res.message
    maps = [f for f in res.figures if f.kind == "heatmap"]
    assert len(maps) == 4
    for figure in maps:
        assert len(figure.values) == 10 and all(len(row) == 10 for row in figure.values)
        for i, row in enumerate(figure.values):
            assert abs(sum(row) - 1.0) < 1e-5
            assert all(v == 0.0 for v in row[i + 1:])  # nothing attends to the future
    stripes = [sum(f.values[i][i - 1] for i in range(1, 10)) / 9 for f in maps]
    assert max(stripes) > 0.9  # the planted previous-token head is unmistakable


def test_chapter_loads_with_its_puzzles_after_act3() -> None:
    catalog = load_catalog()
    chapter = tomllib.loads((ROOT / "story/act4/chapter.toml").read_text(encoding="utf-8"))
    assert chapter["id"] == "act4" and chapter["order"] == 5
    assert chapter["unlocked_by"] == ["act3"]
    puzzles = [item for item in chapter["flow"] if item.startswith("act4.")]
    assert len(puzzles) >= 8
    assert {"act4.bce_with_logits", "act4.worker_seeds"} <= set(puzzles)
    for pid in puzzles:
        assert catalog.puzzle(pid).id == pid
    scenes = [item for item in chapter["flow"] if not item.startswith("act4.")]
    assert 6 <= len(scenes) <= 9
    for scene in scenes:
        assert (ROOT / "story/act4" / f"{scene}.md").is_file()
    # Scenes and puzzles alternate, opening on a scene.
    assert [item.startswith("act4.") for item in chapter["flow"]] == \
        [i % 2 == 1 for i in range(len(chapter["flow"]))]
