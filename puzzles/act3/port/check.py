"""act3.port: OneAI's checkpoint format into the open model's state_dict.

The judge builds an open model, writes it out in OneAI's format (prefixed keys, renamed
layers, a fused qkv, a transposed projection, a metadata entry), hands the player only that
dict, then loads the answer strictly into a fresh open model and compares its outputs on inputs
that never leave the judge. Every attention weight is square, so a forgotten transpose loads
without complaint and is caught by the values.
"""

import math
from functools import lru_cache

import torch
import torch.nn.functional as F
from torch import nn

from game.engine.checks import Case, Check, Mismatch, describe, floats

PREFIX = "oneai.behemoth."


class OpenBlock(nn.Module):
    def __init__(self, d: int) -> None:
        super().__init__()
        self.norm1 = nn.LayerNorm(d)
        self.q, self.k, self.v = nn.Linear(d, d), nn.Linear(d, d), nn.Linear(d, d)
        self.proj = nn.Linear(d, d)
        self.norm2 = nn.LayerNorm(d)
        self.ff1 = nn.Linear(d, 4 * d)
        self.ff2 = nn.Linear(4 * d, d)

    def forward(self, x):
        h = self.norm1(x)
        q, k, v = self.q(h), self.k(h), self.v(h)
        att = torch.softmax(q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1]), dim=-1)
        x = x + self.proj(att @ v)
        return x + self.ff2(F.gelu(self.ff1(self.norm2(x))))


class OpenModel(nn.Module):
    def __init__(self, d: int, layers: int, classes: int) -> None:
        super().__init__()
        self.layers = nn.ModuleList(OpenBlock(d) for _ in range(layers))
        self.norm = nn.LayerNorm(d)
        self.head = nn.Linear(d, classes)

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return self.head(self.norm(x))


@lru_cache(maxsize=16)
def _open_model(d: int, layers: int, classes: int, dtype: torch.dtype) -> OpenModel:
    """One open model per shape, reused: a strict load replaces all of its weights."""
    return OpenModel(d, layers, classes).to(dtype)


def to_oneai(state: dict) -> dict:
    """The open model's state_dict written the way OneAI's exporter writes it."""
    out = {}
    layers = sorted({int(k.split(".")[1]) for k in state if k.startswith("layers.")})
    for i in layers:
        p, o = f"layers.{i}.", f"{PREFIX}blocks.{i}."
        out[o + "ln_a.gamma"] = state[p + "norm1.weight"]
        out[o + "ln_a.beta"] = state[p + "norm1.bias"]
        out[o + "attn.qkv.weight"] = torch.cat([state[p + n + ".weight"] for n in "qkv"])
        out[o + "attn.qkv.bias"] = torch.cat([state[p + n + ".bias"] for n in "qkv"])
        out[o + "attn.out.weight_t"] = state[p + "proj.weight"].t().contiguous()
        out[o + "attn.out.bias"] = state[p + "proj.bias"]
        out[o + "ln_b.gamma"] = state[p + "norm2.weight"]
        out[o + "ln_b.beta"] = state[p + "norm2.bias"]
        out[o + "mlp.up.weight"] = state[p + "ff1.weight"]
        out[o + "mlp.up.bias"] = state[p + "ff1.bias"]
        out[o + "mlp.down.weight"] = state[p + "ff2.weight"]
        out[o + "mlp.down.bias"] = state[p + "ff2.bias"]
    out[PREFIX + "final_ln.gamma"] = state["norm.weight"]
    out[PREFIX + "final_ln.beta"] = state["norm.bias"]
    out[PREFIX + "classifier.weight"] = state["head.weight"]
    out[PREFIX + "classifier.bias"] = state["head.bias"]
    out[PREFIX + "export_version"] = torch.tensor(3)
    return {k: v.clone() for k, v in out.items()}


def make(g, d, layers, classes, dtype, batch=3, tokens=5):
    shapes = {k: v.shape for k, v in _open_model(d, layers, classes, dtype).state_dict().items()}
    truth = {k: (torch.randn(shape, generator=g, dtype=torch.float64) * 0.4).to(dtype)
             for k, shape in shapes.items()}
    x = floats(g, (batch, tokens, d), dtype)
    return Case(f"{layers} block{'s' if layers > 1 else ''}, d = {d}, {str(dtype)[6:]}",
                to_oneai(truth), data={"truth": truth, "x": x,
                                       "shape": (d, layers, classes)})


def cases(g):
    first = make(g, 8, 1, 3, torch.float32)
    first.name, first.example = "example: " + first.name, True
    yield first
    yield make(g, 8, 2, 4, torch.float64)
    yield make(g, 12, 3, 5, torch.float32)
    yield make(g, 16, 2, 2, torch.float32, batch=1, tokens=9)


def reference(ckpt):
    return None


def evaluate(case, expected, got, ctx):
    truth, x = case.data["truth"], case.data["x"]
    if isinstance(got, dict) and got.get("__unsupported__") == "collections.OrderedDict":
        return Mismatch("type", "return a plain dict: an OrderedDict (what state_dict() gives) "
                        "cannot travel back to the judge; wrap it in dict(...)")
    if not isinstance(got, dict) or "__unsupported__" in got:
        return Mismatch("type", f"return a dict of tensors (a state_dict), got {describe(got)}")
    missing = [k for k in truth if k not in got]
    extra = [k for k in got if k not in truth]
    if missing or extra:
        said = []
        if missing:
            said.append(f"missing {len(missing)} key(s), e.g. {', '.join(missing[:3])}")
        if extra:
            said.append(f"unexpected {len(extra)} key(s), e.g. {', '.join(map(str, extra[:3]))}")
        return Mismatch("values", "load_state_dict(strict=True) refuses it: "
                        + "; ".join(said))
    for key, want in truth.items():
        have = got[key]
        if type(have) is not torch.Tensor:
            return Mismatch("type", f"{key}: expected a tensor, got {describe(have)}")
        if have.shape != want.shape:
            return Mismatch("shape", f"{key}: the open model needs {tuple(want.shape)}, got "
                            f"{tuple(have.shape)}", str(tuple(want.shape)), str(tuple(have.shape)))
        if have.dtype != want.dtype:
            return Mismatch("dtype", f"{key}: keep the checkpoint's dtype {want.dtype}, got "
                            f"{have.dtype}", str(want.dtype), str(have.dtype))
    model = _open_model(*case.data["shape"], x.dtype)
    with torch.no_grad():
        model.load_state_dict(got, strict=True)
        if all(torch.equal(got[k], v) for k, v in truth.items()):
            return None  # the very same weights: the same outputs
        mine = model(x)  # other weights may still compute the same function (a permutation)
        model.load_state_dict(truth, strict=True)
        want = model(x)
    tol = {"rtol": 1e-5, "atol": 1e-6} if x.dtype == torch.float32 else {}
    if not torch.allclose(mine, want, **tol):
        wrong = [k for k, v in truth.items() if not torch.equal(got[k], v)]
        return Mismatch("values", "the loaded model's outputs differ from the original's "
                        f"(largest difference {float((mine - want).abs().max()):.3g}); these "
                        f"tensors hold the wrong values: {', '.join(wrong[:4])}"
                        f"{' …' if len(wrong) > 4 else ''}", describe(want), describe(mine))
    return None


CHECK = Check(reference=reference, cases=cases, evaluate=evaluate, inputs_on_device=False)
