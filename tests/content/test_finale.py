# ruff: noqa: E501 - the answers below are a learner's code, long lines and all
"""The finale's exact puzzles through the real judge: finale.rmsnorm, finale.rope, finale.mha,
finale.kv_cache, finale.top_p and finale.diffusion. Correct answers written differently from
the Professor's must pass; plausible mistakes must get the verdict, the mismatch kind and the
message that name them. The chapter itself must load and follow Act IV."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest
import tomllib

from game.core.content import load_catalog
from game.core.result import Result, Status
from game.engine.judge import Judge

SEED = 20260614
REPO = Path(__file__).resolve().parents[2]
CANON = {"finale.rope", "finale.kv_cache", "finale.top_p", "finale.ddp_step"}


def verify(judge: Judge, puzzle: str, source: str) -> Result:
    return judge.verify(puzzle, dedent(source), seed=SEED)


def kinds(result: Result) -> set[str]:
    return {t.mismatch for t in result.tests if t.mismatch}


def test_the_chapter_loads_after_act4_with_its_puzzles() -> None:
    catalog = load_catalog()
    chapter = catalog.chapter("finale")
    assert chapter is not None
    spec = tomllib.loads((REPO / "story" / "finale" / "chapter.toml").read_text())
    assert spec["unlocked_by"] == ["act4"] and spec["order"] == 6
    puzzles = chapter.puzzle_ids()
    assert len(puzzles) >= 9 and CANON <= set(puzzles)
    scenes = [i for i in chapter.items if i.kind == "scene"]
    assert 7 <= len(scenes) <= 10
    assert chapter.items[0].kind == "scene" and chapter.items[-1].kind == "scene"
    for puzzle in puzzles:  # every puzzle is introduced by a scene or follows one directly
        at = [i.id for i in chapter.items].index(puzzle)
        assert chapter.items[at - 1].kind == "scene" or chapter.items[at - 2].kind == "scene"


def check(judge: Judge, puzzle: str, source: str, status: Status,
          mismatch: str | None, says: str) -> None:
    result = verify(judge, puzzle, source)
    assert result.status is status, f"{result.status.value}: {result.message}"
    if mismatch is not None:
        assert mismatch in kinds(result), f"kinds {kinds(result)}: {result.message}"
    assert says in result.message, result.message


# -- the right answers ---------------------------------------------------------------------------

RIGHT = {
    "finale.rmsnorm": {
        "vector_norm over sqrt(dim)": """
            import math
            import torch
            from torch import nn

            class RMSNorm(nn.Module):
                def __init__(self, dim, eps=1e-6):
                    super().__init__()
                    self.eps, self.dim = eps, dim
                    self.weight = nn.Parameter(torch.ones(dim))

                def forward(self, x):
                    h = x.double() if x.dtype == torch.float64 else x.float()
                    norm = torch.linalg.vector_norm(h, dim=-1, keepdim=True)
                    rms = torch.sqrt(norm ** 2 / self.dim + self.eps)
                    return (h / rms * self.weight).to(x.dtype)
        """,
        "square, mean, type_as": """
            import torch
            from torch import nn

            class RMSNorm(nn.Module):
                def __init__(self, dim, eps=1e-6):
                    super().__init__()
                    self.eps = eps
                    self.weight = nn.Parameter(torch.ones(dim))

                def forward(self, x):
                    h = x if x.dtype == torch.float64 else x.float()
                    h = h / torch.sqrt(h.square().mean(-1, keepdim=True) + self.eps)
                    return (h * self.weight).type_as(x)
        """,
        "everything in float64": """
            import torch
            from torch import nn

            class RMSNorm(nn.Module):
                def __init__(self, dim, eps=1e-6):
                    super().__init__()
                    self.eps = eps
                    self.weight = nn.Parameter(torch.ones(dim))

                def forward(self, x):
                    h = x.double()
                    scale = torch.rsqrt((h * h).mean(dim=-1, keepdim=True) + self.eps)
                    return (h * scale * self.weight.double()).to(x.dtype)
        """,
    },
    "finale.rope": {
        "complex numbers": """
            import torch

            def apply_rope(x, positions, base=10000.0):
                h = x.shape[-1] // 2
                theta = base ** (-torch.arange(h, dtype=x.dtype) / h)
                a = torch.outer(positions.to(x.dtype), theta)
                z = torch.complex(x[..., :h], x[..., h:]) * torch.polar(torch.ones_like(a), a)
                return torch.cat([z.real, z.imag], dim=-1)
        """,
        "rotate_half, Hugging Face style": """
            import torch

            def rotate_half(x):
                x1, x2 = x.chunk(2, dim=-1)
                return torch.cat([-x2, x1], dim=-1)

            def apply_rope(x, positions, base=10000.0):
                d = x.shape[-1]
                inv_freq = 1.0 / base ** (torch.arange(0, d, 2, dtype=x.dtype) / d)
                freqs = positions.to(x.dtype)[:, None] * inv_freq[None, :]
                emb = torch.cat([freqs, freqs], dim=-1)
                return x * emb.cos() + rotate_half(x) * emb.sin()
        """,
        "frequencies from exp and log": """
            import math
            import torch

            def apply_rope(x, positions, base=10000.0):
                d = x.shape[-1]
                i = torch.arange(d // 2, dtype=x.dtype)
                a = positions.unsqueeze(-1).to(x.dtype) * torch.exp(-math.log(base) * 2 * i / d)
                c, s = torch.cos(a), torch.sin(a)
                x1, x2 = x.split(d // 2, dim=-1)
                return torch.cat((x1 * c - x2 * s, x1 * s + x2 * c), -1)
        """,
    },
    "finale.mha": {
        "einsum and an additive mask": """
            import math
            import torch

            def multi_head_attention(x, w_qkv, w_out, n_heads, pad_mask):
                b, t, d = x.shape
                q, k, v = torch.einsum("btd,ed->bte", x, w_qkv).chunk(3, dim=-1)
                q, k, v = (z.reshape(b, t, n_heads, d // n_heads) for z in (q, k, v))
                scores = torch.einsum("bqhd,bkhd->bhqk", q, k) / math.sqrt(d // n_heads)
                bias = torch.zeros(pad_mask.shape, dtype=x.dtype).masked_fill(~pad_mask,
                                                                              float("-inf"))
                att = (scores + bias[:, None, None, :]).softmax(-1)
                y = torch.einsum("bhqk,bkhd->bqhd", att, v).reshape(b, t, d)
                return y @ w_out.T
        """,
        "one head at a time": """
            import math
            import torch

            def multi_head_attention(x, w_qkv, w_out, n_heads, pad_mask):
                d = x.shape[-1]
                dh = d // n_heads
                q, k, v = (x @ w_qkv.T).split(d, dim=-1)
                keys = pad_mask[:, None, :]
                outs = []
                for h in range(n_heads):
                    part = slice(h * dh, (h + 1) * dh)
                    s = q[..., part] @ k[..., part].transpose(1, 2) / math.sqrt(dh)
                    s = torch.where(keys, s, torch.tensor(float("-inf"), dtype=s.dtype))
                    outs.append(torch.softmax(s, dim=-1) @ v[..., part])
                return torch.cat(outs, dim=-1) @ w_out.T
        """,
        "softmax, zero the padding, renormalise": """
            import math

            def multi_head_attention(x, w_qkv, w_out, n_heads, pad_mask):
                b, t, d = x.shape
                q, k, v = (x @ w_qkv.T).view(b, t, 3, n_heads, d // n_heads).permute(2, 0, 3, 1, 4)
                s = q @ k.transpose(-1, -2) / math.sqrt(d // n_heads)
                s = s - s.amax(-1, keepdim=True)
                w = s.exp() * pad_mask[:, None, None, :]
                att = w / w.sum(-1, keepdim=True)
                return (att @ v).permute(0, 2, 1, 3).reshape(b, t, d) @ w_out.T
        """,
    },
    "finale.kv_cache": {
        "empty cache to begin with, masked_fill with triu": """
            import math
            import torch
            from torch import nn

            class CausalSelfAttention(nn.Module):
                def __init__(self, d_model, n_heads):
                    super().__init__()
                    self.h = n_heads
                    self.qkv = nn.Linear(d_model, 3 * d_model)
                    self.proj = nn.Linear(d_model, d_model)

                def forward(self, x, cache=None):
                    b, t, d = x.shape
                    q, k, v = (z.view(b, t, self.h, d // self.h).transpose(1, 2)
                               for z in self.qkv(x).split(d, -1))
                    if cache is None:
                        cache = (k[:, :, :0], v[:, :, :0])
                    k = torch.cat((cache[0], k), 2)
                    v = torch.cat((cache[1], v), 2)
                    s = k.shape[2]
                    scores = q @ k.transpose(2, 3) / math.sqrt(d // self.h)
                    future = torch.ones(t, s, dtype=torch.bool).triu(s - t + 1)
                    att = scores.masked_fill(future, float("-inf")).softmax(-1)
                    return self.proj((att @ v).transpose(1, 2).reshape(b, t, d)), (k, v)
        """,
        "positions compared with arange": """
            import torch
            import torch.nn.functional as F
            from torch import nn

            class CausalSelfAttention(nn.Module):
                def __init__(self, d_model, n_heads):
                    super().__init__()
                    self.n_heads = n_heads
                    self.qkv = nn.Linear(d_model, 3 * d_model)
                    self.proj = nn.Linear(d_model, d_model)

                def forward(self, x, cache=None):
                    b, t, d = x.shape
                    q, k, v = self.qkv(x).split(d, -1)
                    heads = lambda z: z.view(b, t, self.n_heads, -1).transpose(1, 2)
                    q, k, v = heads(q), heads(k), heads(v)
                    past = 0 if cache is None else cache[0].shape[2]
                    if cache is not None:
                        k, v = torch.cat([cache[0], k], 2), torch.cat([cache[1], v], 2)
                    query_at = torch.arange(past, past + t)[:, None]
                    mask = query_at >= torch.arange(past + t)[None, :]
                    y = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
                    return self.proj(y.transpose(1, 2).flatten(2)), (k, v)
        """,
        "einsum with a float bias": """
            import math
            import torch
            from torch import nn

            class CausalSelfAttention(nn.Module):
                def __init__(self, d_model, n_heads):
                    super().__init__()
                    self.n_heads = n_heads
                    self.qkv = nn.Linear(d_model, 3 * d_model)
                    self.proj = nn.Linear(d_model, d_model)

                def forward(self, x, cache=None):
                    b, t, d = x.shape
                    dh = d // self.n_heads
                    q, k, v = self.qkv(x).reshape(b, t, 3, self.n_heads, dh).unbind(2)
                    q, k, v = q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2)
                    if cache is not None:
                        k = torch.cat([cache[0], k], dim=-2)
                        v = torch.cat([cache[1], v], dim=-2)
                    s = k.shape[-2]
                    scores = torch.einsum("bhqd,bhkd->bhqk", q, k) / math.sqrt(dh)
                    bias = torch.full((t, s), float("-inf"), dtype=x.dtype).triu(s - t + 1)
                    att = (scores + bias).softmax(dim=-1)
                    y = torch.einsum("bhqk,bhkd->bqhd", att, v).reshape(b, t, d)
                    return self.proj(y), (k, v)
        """,
    },
    "finale.top_p": {
        "argsort as the inverse permutation": """
            import torch

            def top_p_filter(logits, top_p, temperature=1.0):
                t = logits / temperature
                p, order = t.softmax(-1).sort(-1, descending=True)
                keep = (p.cumsum(-1) - p) < top_p
                keep = keep.gather(-1, order.argsort(-1))
                return torch.where(keep, t, torch.full_like(t, float("-inf")))
        """,
        "the smallest logit kept, as a threshold": """
            import torch

            def top_p_filter(logits, top_p, temperature=1.0):
                t = logits / temperature
                ranked, _ = t.sort(dim=-1, descending=True)
                p = ranked.softmax(-1)
                count = ((p.cumsum(-1) - p) < top_p).sum(-1, keepdim=True)
                floor = ranked.gather(-1, count - 1)
                return t.masked_fill(t < floor, float("-inf"))
        """,
        "ascending cumulative sum": """
            import torch

            def top_p_filter(logits, top_p, temperature=1.0):
                t = logits / temperature
                p, order = torch.sort(torch.softmax(t, dim=-1), dim=-1)
                above = 1 - torch.cumsum(p, dim=-1)
                drop_sorted = above >= top_p
                drop = torch.zeros_like(drop_sorted).scatter(-1, order, drop_sorted)
                return t.masked_fill(drop, float("-inf"))
        """,
    },
    "finale.diffusion": {
        "torch.where for the last step, gather for the coefficients": """
            import torch

            class Diffusion:
                def __init__(self, steps, beta_1=1e-4, beta_T=0.02):
                    self.betas = torch.linspace(beta_1, beta_T, steps, dtype=torch.float64)
                    self.alpha_bar = (1 - self.betas).cumprod(0)

                def _c(self, table, t, x):
                    return table.gather(0, t).to(x.dtype).view(-1, *[1] * (x.dim() - 1))

                def q_sample(self, x0, t, noise):
                    ab = self._c(self.alpha_bar, t, x0)
                    return torch.sqrt(ab) * x0 + torch.sqrt(1 - ab) * noise

                def p_step(self, x_t, t, eps, z):
                    b = self._c(self.betas, t, x_t)
                    ab = self._c(self.alpha_bar, t, x_t)
                    mean = (x_t - b / torch.sqrt(1 - ab) * eps) / torch.sqrt(1 - b)
                    last = (t == 0).view(-1, *[1] * (x_t.dim() - 1))
                    return torch.where(last, mean, mean + torch.sqrt(b) * z)
        """,
        "alpha_bar from a sum of logarithms": """
            import torch

            class Diffusion:
                def __init__(self, steps, beta_1=1e-4, beta_T=0.02):
                    self.betas = torch.linspace(beta_1, beta_T, steps, dtype=torch.float64)
                    self.alpha_bar = torch.exp(torch.cumsum(torch.log1p(-self.betas), 0))

                def q_sample(self, x0, t, noise):
                    ab = self.alpha_bar[t].to(x0.dtype)[(...,) + (None,) * (x0.dim() - 1)]
                    return ab.sqrt() * x0 + (1 - ab).sqrt() * noise

                def p_step(self, x_t, t, eps, z):
                    shape = (-1,) + (1,) * (x_t.dim() - 1)
                    b = self.betas[t].to(x_t.dtype).reshape(shape)
                    ab = self.alpha_bar[t].to(x_t.dtype).reshape(shape)
                    sigma = b.sqrt() * (t > 0).to(x_t.dtype).reshape(shape)
                    return (x_t - b * eps / (1 - ab).sqrt()) / (1 - b).sqrt() + sigma * z
        """,
        "a loop-free unsqueeze helper": """
            import torch

            def per_sample(values, like):
                while values.dim() < like.dim():
                    values = values.unsqueeze(-1)
                return values.to(like.dtype)

            class Diffusion:
                def __init__(self, steps, beta_1=1e-4, beta_T=0.02):
                    self.betas = torch.linspace(beta_1, beta_T, steps, dtype=torch.float64)
                    alphas = 1.0 - self.betas
                    self.alpha_bar = torch.cumprod(alphas, dim=0)

                def q_sample(self, x0, t, noise):
                    ab = per_sample(self.alpha_bar[t], x0)
                    return ab ** 0.5 * x0 + (1 - ab) ** 0.5 * noise

                def p_step(self, x_t, t, eps, z):
                    b = per_sample(self.betas[t], x_t)
                    ab = per_sample(self.alpha_bar[t], x_t)
                    noise = per_sample((t != 0).double(), x_t) * b ** 0.5 * z
                    return (x_t - b / (1 - ab) ** 0.5 * eps) * (1 - b) ** -0.5 + noise
        """,
    },
}

RIGHT_CASES = [(puzzle, name) for puzzle, answers in RIGHT.items() for name in answers]


@pytest.mark.parametrize(("puzzle", "name"), RIGHT_CASES)
def test_other_correct_answers_pass(judge: Judge, puzzle: str, name: str) -> None:
    result = verify(judge, puzzle, RIGHT[puzzle][name])
    assert result.status is Status.PASS, f"{name}: {result.status.value}: {result.message}"


# -- plausible mistakes --------------------------------------------------------------------------

RMSNORM = """
    import torch
    from torch import nn

    class RMSNorm(nn.Module):
        def __init__(self, dim, eps=1e-6):
            super().__init__()
            self.eps = eps
            self.weight = nn.Parameter(torch.ones(dim))

        def forward(self, x):
            {body}
"""

ROPE = """
    import torch

    def apply_rope(x, positions, base=10000.0):
        d = x.shape[-1]
        h = d // 2
        theta = base ** (-2 * torch.arange(h, dtype=x.dtype) / d)
        a = positions.to(x.dtype)[:, None] * theta
        x1, x2 = x[..., :h], x[..., h:]
        {body}
"""

MHA = """
    import math
    import torch

    def multi_head_attention(x, w_qkv, w_out, n_heads, pad_mask):
        b, t, d = x.shape
        dh = d // n_heads
        q, k, v = (x @ w_qkv.T).split(d, dim=-1)
        q, k, v = (z.reshape(b, t, n_heads, dh).transpose(1, 2) for z in (q, k, v))
        {body}
"""

KV = """
    import math
    import torch
    import torch.nn.functional as F
    from torch import nn

    class CausalSelfAttention(nn.Module):
        def __init__(self, d_model, n_heads):
            super().__init__()
            self.n_heads = n_heads
            self.qkv = nn.Linear(d_model, 3 * d_model)
            self.proj = nn.Linear(d_model, d_model)

        def forward(self, x, cache=None):
            b, t, d = x.shape
            q, k, v = self.qkv(x).split(d, -1)
            q, k, v = (z.view(b, t, self.n_heads, d // self.n_heads).transpose(1, 2)
                       for z in (q, k, v))
            if cache is not None:
                k = torch.cat([cache[0], k], dim=2)
                v = torch.cat([cache[1], v], dim=2)
            s = k.shape[2]
            {body}
"""

TOP_P = """
    import torch

    def top_p_filter(logits, top_p, temperature=1.0):
        {body}
"""

DIFFUSION = """
    import torch

    class Diffusion:
        def __init__(self, steps, beta_1=1e-4, beta_T=0.02):
            {init}

        def _at(self, values, t, x):
            return values[t].to(x.dtype).reshape(-1, *([1] * (x.dim() - 1)))

        def q_sample(self, x0, t, noise):
            ab = self._at(self.alpha_bar, t, x0)
            return ab.sqrt() * x0 + (1 - ab).sqrt() * noise

        def p_step(self, x_t, t, eps, z):
            beta = self._at(self.betas, t, x_t)
            ab = self._at(self.alpha_bar, t, x_t)
            {step}
"""

GOOD_INIT = """self.betas = torch.linspace(beta_1, beta_T, steps, dtype=torch.float64)
            self.alpha_bar = torch.cumprod(1 - self.betas, dim=0)"""
GOOD_MEAN = "mean = (x_t - beta / (1 - ab).sqrt() * eps) / (1 - beta).sqrt()"


def fill(template: str, **parts: str) -> str:
    """The template with each `{part}` replaced by flat statements, at the part's indent."""
    text = dedent(template)
    for key, value in parts.items():
        line = next(row for row in text.splitlines() if "{" + key + "}" in row)
        indent = line[: len(line) - len(line.lstrip())]
        body = ("\n" + indent).join(row.strip() for row in dedent(value).strip().splitlines())
        text = text.replace("{" + key + "}", body)
    return text


WRONG = {
    ("finale.rmsnorm", "weight applied after the cast back, Llama style"): (
        fill(RMSNORM, body="""h = x.float()
            return (h * torch.rsqrt(h.pow(2).mean(-1, keepdim=True) + self.eps)).type_as(x) * self.weight"""),
        Status.WRONG_ANSWER, "dtype", "dtype"),
    ("finale.rmsnorm", "the mean square of the whole tensor"): (
        fill(RMSNORM, body="""h = x.float() if x.dtype != torch.float64 else x
            return (h * torch.rsqrt(h.pow(2).mean() + self.eps) * self.weight).to(x.dtype)"""),
        Status.WRONG_ANSWER, "values", "values differ"),
    ("finale.rmsnorm", "the variance instead of the mean square"): (
        fill(RMSNORM, body="""h = x.float() if x.dtype != torch.float64 else x
            ms = h.var(-1, keepdim=True, unbiased=False)
            return (h * torch.rsqrt(ms + self.eps) * self.weight).to(x.dtype)"""),
        Status.WRONG_ANSWER, "values", "values differ"),
    ("finale.rmsnorm", "the mean square without keepdim"): (
        fill(RMSNORM, body="""h = x.float() if x.dtype != torch.float64 else x
            return (h * torch.rsqrt(h.pow(2).mean(-1) + self.eps) * self.weight).to(x.dtype)"""),
        Status.RUNTIME_ERROR, None, "must match"),
    ("finale.rmsnorm", "a weight that is not a parameter"): (
        fill(RMSNORM.replace("nn.Parameter(torch.ones(dim))", "torch.ones(dim)"),
             body="return (x * torch.rsqrt(x.float().pow(2).mean(-1, keepdim=True) + self.eps)"
                  " * self.weight).to(x.dtype)"),
        Status.RUNTIME_ERROR, None, "weight"),
    ("finale.rope", "sin and cos swapped"): (
        fill(ROPE, body="return torch.cat([x1 * a.sin() - x2 * a.cos(), x2 * a.sin() + x1 * a.cos()], -1)"),
        Status.WRONG_ANSWER, "values", "values differ"),
    ("finale.rope", "the halves joined in the wrong order"): (
        fill(ROPE, body="return torch.cat([x2 * a.cos() + x1 * a.sin(), x1 * a.cos() - x2 * a.sin()], -1)"),
        Status.WRONG_ANSWER, "values", "values differ"),
    ("finale.rope", "a positive exponent"): (
        fill(ROPE, body="""b = positions.to(x.dtype)[:, None] * base ** (2 * torch.arange(h, dtype=x.dtype) / d)
            return torch.cat([x1 * b.cos() - x2 * b.sin(), x2 * b.cos() + x1 * b.sin()], -1)"""),
        Status.WRONG_ANSWER, "values", "values differ"),
    ("finale.rope", "frequencies from a default-dtype arange"): (
        fill(ROPE, body="""f = base ** (-2 * torch.arange(h) / d)
            b = (positions[:, None] * f).to(x.dtype)
            return torch.cat([x1 * b.cos() - x2 * b.sin(), x2 * b.cos() + x1 * b.sin()], -1)"""),
        Status.WRONG_ANSWER, "values", "float64 input: the angles must be float64 too"),
    ("finale.rope", "the position ignored"): (
        fill(ROPE, body="""b = theta.expand(a.shape)
            return torch.cat([x1 * b.cos() - x2 * b.sin(), x2 * b.cos() + x1 * b.sin()], -1)"""),
        Status.WRONG_ANSWER, "values", "values differ"),
    ("finale.mha", "the mask not inverted"): (
        fill(MHA, body="""s = (q @ k.transpose(-2, -1) / math.sqrt(dh)).masked_fill(pad_mask[:, None, None, :], float("-inf"))
            return (s.softmax(-1) @ v).transpose(1, 2).reshape(b, t, d) @ w_out.T"""),
        Status.WRONG_ANSWER, "nan", "NaN"),
    ("finale.mha", "scaled after the softmax"): (
        fill(MHA, body="""s = (q @ k.transpose(-2, -1)).masked_fill(~pad_mask[:, None, None, :], float("-inf"))
            return (s.softmax(-1) / math.sqrt(dh) @ v).transpose(1, 2).reshape(b, t, d) @ w_out.T"""),
        Status.WRONG_ANSWER, "values", "values differ"),
    ("finale.mha", "view after transpose"): (
        fill(MHA, body="""s = (q @ k.transpose(-2, -1) / math.sqrt(dh)).masked_fill(~pad_mask[:, None, None, :], float("-inf"))
            return (s.softmax(-1) @ v).transpose(1, 2).view(b, t, d) @ w_out.T"""),
        Status.RUNTIME_ERROR, None, "view"),
    ("finale.mha", "padding queries masked as well"): (
        fill(MHA, body="""both = pad_mask[:, None, :, None] & pad_mask[:, None, None, :]
            s = (q @ k.transpose(-2, -1) / math.sqrt(dh)).masked_fill(~both, float("-inf"))
            return (s.softmax(-1) @ v).transpose(1, 2).reshape(b, t, d) @ w_out.T"""),
        Status.WRONG_ANSWER, "nan", "NaN"),
    ("finale.mha", "heads cut from the wrong end of the channels"): (
        fill(MHA, body="""q2, k2, v2 = (z.transpose(1, 2).reshape(b, t, dh, n_heads).permute(0, 3, 1, 2) for z in (q, k, v))
            s = (q2 @ k2.transpose(-2, -1) / math.sqrt(dh)).masked_fill(~pad_mask[:, None, None, :], float("-inf"))
            y = (s.softmax(-1) @ v2).permute(0, 2, 3, 1).reshape(b, t, d)
            return y @ w_out.T"""),
        Status.WRONG_ANSWER, "values", "values differ"),
    ("finale.kv_cache", "the mask inverted"): (
        fill(KV, body="""keep = torch.ones(t, s, dtype=torch.bool).tril(s - t)
            y = F.scaled_dot_product_attention(q, k, v, attn_mask=~keep)
            return self.proj(y.transpose(1, 2).reshape(b, t, d)), (k, v)"""),
        Status.WRONG_ANSWER, "values", "output[0]"),
    ("finale.kv_cache", "only y returned"): (
        fill(KV, body="""keep = torch.ones(t, s, dtype=torch.bool).tril(s - t)
            y = F.scaled_dot_product_attention(q, k, v, attn_mask=keep)
            return self.proj(y.transpose(1, 2).reshape(b, t, d))"""),
        Status.RUNTIME_ERROR, None, "forward must return a pair (y, cache)"),
    ("finale.kv_cache", "the cache kept before the heads are split"): (
        fill(KV, body="""keep = torch.ones(t, s, dtype=torch.bool).tril(s - t)
            y = F.scaled_dot_product_attention(q, k, v, attn_mask=keep)
            merged = lambda z: z.transpose(1, 2).reshape(b, s, d)
            return self.proj(y.transpose(1, 2).reshape(b, t, d)), (merged(k), merged(v))"""),
        Status.RUNTIME_ERROR, None, "Tensors must have same number of dimensions"),
    ("finale.kv_cache", "no scale at all"): (
        fill(KV, body="""keep = torch.ones(t, s, dtype=torch.bool).tril(s - t)
            y = F.scaled_dot_product_attention(q, k, v, attn_mask=keep, scale=1.0)
            return self.proj(y.transpose(1, 2).reshape(b, t, d)), (k, v)"""),
        Status.WRONG_ANSWER, "values", "values differ"),
    ("finale.kv_cache", "separate q, k and v layers"): (
        dedent(KV).replace("self.qkv = nn.Linear(d_model, 3 * d_model)",
                           "self.q = nn.Linear(d_model, d_model)\n"
                           "        self.kv = nn.Linear(d_model, 2 * d_model)").format(
            body="return x, cache"),
        Status.RUNTIME_ERROR, None, "it expects qkv.bias, qkv.weight"),
    ("finale.top_p", "temperature multiplied in"): (
        fill(TOP_P, body="""t = logits * temperature
            p, order = t.softmax(-1).sort(-1, descending=True)
            keep = torch.zeros_like(p, dtype=torch.bool).scatter(-1, order, (p.cumsum(-1) - p) < top_p)
            return t.masked_fill(~keep, float("-inf"))"""),
        Status.WRONG_ANSWER, "values", "divide by the temperature first"),
    ("finale.top_p", "cumulative sum strictly below top_p"): (
        fill(TOP_P, body="""t = logits / temperature
            p, order = t.softmax(-1).sort(-1, descending=True)
            keep = torch.zeros_like(p, dtype=torch.bool).scatter(-1, order, p.cumsum(-1) < top_p)
            return t.masked_fill(~keep, float("-inf"))"""),
        Status.WRONG_ANSWER, "nan", "where the reference is finite"),
    ("finale.top_p", "a large negative number instead of -inf"): (
        fill(TOP_P, body="""t = logits / temperature
            p, order = t.softmax(-1).sort(-1, descending=True)
            keep = torch.zeros_like(p, dtype=torch.bool).scatter(-1, order, (p.cumsum(-1) - p) < top_p)
            return t.masked_fill(~keep, -1e9)"""),
        Status.WRONG_ANSWER, "values", "expected -inf, got -1e+09"),
    ("finale.top_p", "the mask returned instead of the logits"): (
        fill(TOP_P, body="""t = logits / temperature
            p, order = t.softmax(-1).sort(-1, descending=True)
            return torch.zeros_like(p, dtype=torch.bool).scatter(-1, order, (p.cumsum(-1) - p) < top_p)"""),
        Status.WRONG_ANSWER, "dtype", "bool"),
    ("finale.top_p", "softmax over the batch"): (
        fill(TOP_P, body="""t = logits / temperature
            p, order = t.softmax(0).sort(-1, descending=True)
            keep = torch.zeros_like(p, dtype=torch.bool).scatter(-1, order, (p.cumsum(-1) - p) < top_p)
            return t.masked_fill(~keep, float("-inf"))"""),
        Status.WRONG_ANSWER, "nan", "where the reference is finite"),
    ("finale.diffusion", "a float32 schedule"): (
        fill(DIFFUSION, init="""self.betas = torch.linspace(beta_1, beta_T, steps)
            self.alpha_bar = torch.cumprod(1 - self.betas, dim=0)""",
             step=GOOD_MEAN + "\n            return mean + (t > 0).reshape(mean.shape[:1] + (1,) * (mean.dim() - 1)) * beta.sqrt() * z"),
        Status.WRONG_ANSWER, "dtype", "float64"),
    ("finale.diffusion", "alpha_bar one step behind"): (
        fill(DIFFUSION, init="""self.betas = torch.linspace(beta_1, beta_T, steps, dtype=torch.float64)
            self.alpha_bar = torch.cat([torch.ones(1, dtype=torch.float64), torch.cumprod(1 - self.betas, 0)[:-1]])""",
             step=GOOD_MEAN + "\n            return mean + (t > 0).reshape(mean.shape[:1] + (1,) * (mean.dim() - 1)) * beta.sqrt() * z"),
        Status.WRONG_ANSWER, "values", "values differ"),
    ("finale.diffusion", "alpha_t where alpha_bar belongs"): (
        fill(DIFFUSION, init=GOOD_INIT,
             step="mean = (x_t - beta / beta.sqrt() * eps) / (1 - beta).sqrt()\n            return mean + (t > 0).reshape(mean.shape[:1] + (1,) * (mean.dim() - 1)) * beta.sqrt() * z"),
        Status.WRONG_ANSWER, "values", "values differ"),
    ("finale.diffusion", "no noise at t = 1 either"): (
        fill(DIFFUSION, init=GOOD_INIT,
             step=GOOD_MEAN + "\n            return mean + (t > 1).reshape(mean.shape[:1] + (1,) * (mean.dim() - 1)) * beta.sqrt() * z"),
        Status.WRONG_ANSWER, "values", "values differ"),
    ("finale.diffusion", "sigma equal to beta"): (
        fill(DIFFUSION, init=GOOD_INIT,
             step=GOOD_MEAN + "\n            return mean + (t > 0).reshape(mean.shape[:1] + (1,) * (mean.dim() - 1)) * beta * z"),
        Status.WRONG_ANSWER, "values", "values differ"),
}


@pytest.mark.parametrize(("puzzle", "name"), list(WRONG))
def test_plausible_mistakes_get_the_verdict_that_names_them(judge: Judge, puzzle: str,
                                                            name: str) -> None:
    source, status, mismatch, says = WRONG[puzzle, name]
    check(judge, puzzle, source, status, mismatch, says)
