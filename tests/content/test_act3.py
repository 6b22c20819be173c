"""Act III: the chapter, and for each puzzle but the distillation (test_act3_heavy.py) other
correct answers that must pass and plausible mistakes that must get the right verdict, mismatch
kind and explanation. The author check already runs each puzzle's own solution, starter and
mutants; these are the answers a learner might write that the puzzle files do not hold."""

from __future__ import annotations

import textwrap

import pytest

from game.core.content import load_catalog
from game.core.result import Status
from game.engine.judge import Judge

SEED = 31
HEAD = "import math\n\nimport torch\nimport torch.nn.functional as F\nfrom torch import nn\n\n\n"


def src(body: str) -> str:
    return HEAD + textwrap.dedent(body).strip() + "\n"


# -- the chapter ------------------------------------------------------------------------------

def test_chapter_loads_after_act2_with_its_puzzles_in_the_flow() -> None:
    catalog = load_catalog()
    assert not [p for p in catalog.problems if "act3" in str(p)]
    chapter = catalog.chapter("act3")
    assert chapter is not None
    assert chapter.spec.order == 4
    assert chapter.spec.unlocked_by == ["act2"]
    puzzles = chapter.puzzle_ids()
    assert len(puzzles) >= 8
    assert {"act3.quantize_int8", "act3.lora", "act3.capture"} <= set(puzzles)
    assert all(p in catalog.puzzles for p in puzzles)
    scenes = [i.id for i in chapter.items if i.kind == "scene"]
    assert 6 <= len(scenes) <= 9
    assert all(s in catalog.scenes or f"act3/{s}" in catalog.scenes or any(
        k.endswith(s) for k in catalog.scenes) for s in scenes)
    # Scenes and puzzles alternate, and the act ends on a scene (the bridge to Act IV).
    kinds = [i.kind for i in chapter.items]
    assert all(a != b for a, b in zip(kinds, kinds[1:], strict=False))
    assert kinds[-1] == "scene"


def test_canon_entries_and_kinds() -> None:
    catalog = load_catalog()
    spec = {pid: catalog.puzzle(pid).spec for pid in
            ("act3.quantize_int8", "act3.lora", "act3.capture")}
    assert spec["act3.quantize_int8"].entry == "quantize"
    assert spec["act3.lora"].entry == "LoRALinear" and spec["act3.lora"].kind == "class"
    assert spec["act3.capture"].entry == "capture"


# -- answers ------------------------------------------------------------------------------------
# (puzzle, name, source) that pass; (puzzle, name, source, status, mismatch, says) that fail.

RIGHT: list[tuple[str, str, str]] = []
WRONG: list[tuple[str, str, str, Status, str | None, str]] = []


def right(puzzle: str, name: str, body: str) -> None:
    RIGHT.append((puzzle, name, src(body)))


def wrong(puzzle: str, name: str, body: str, status: Status, mismatch: str | None,
          says: str) -> None:
    WRONG.append((puzzle, name, src(body), status, mismatch, says))


WA, CV, RE = Status.WRONG_ANSWER, Status.CONSTRAINT_VIOLATION, Status.RUNTIME_ERROR

# act3.quantize_int8
right("act3.quantize_int8", "keepdim, masked_fill, squeeze", """
    def quantize(w):
        scale = w.abs().amax(dim=1, keepdim=True) / 127
        scale = scale.masked_fill(scale == 0, 1.0)
        q = (w / scale).round().clamp(-127, 127).to(torch.int8)
        return q, scale.squeeze(1)
""")
right("act3.quantize_int8", "max().values and index assignment", """
    def quantize(w):
        amax = w.abs().max(dim=1).values
        scale = amax / 127
        scale[amax == 0] = 1.0
        q = torch.round(w / scale.unsqueeze(1)).clamp(-127, 127).to(torch.int8)
        return q, scale
""")
right("act3.quantize_int8", "floor(x + 0.5), ties either way", """
    def quantize(w):
        amax = w.abs().amax(dim=1)
        scale = torch.where(amax == 0, 1.0, amax / 127)
        q = torch.floor(w / scale[:, None] + 0.5).clamp(-127, 127).char()
        return q, scale
""")
wrong("act3.quantize_int8", "scale in float64", """
    def quantize(w):
        amax = w.double().abs().amax(dim=1)
        scale = torch.where(amax > 0, amax / 127, torch.ones_like(amax))
        q = torch.round(w / scale[:, None]).clamp(-127, 127).to(torch.int8)
        return q, scale
""", WA, "dtype", "scale must be float32")
wrong("act3.quantize_int8", "uint8 storage", """
    def quantize(w):
        amax = w.abs().amax(dim=1)
        scale = torch.where(amax > 0, amax / 127, torch.ones_like(amax))
        return torch.round(w / scale[:, None]).clamp(-127, 127).to(torch.uint8), scale
""", WA, "dtype", "q must be int8")
wrong("act3.quantize_int8", "scale kept as a column", """
    def quantize(w):
        amax = w.abs().amax(dim=1, keepdim=True)
        scale = torch.where(amax > 0, amax / 127, torch.ones_like(amax))
        return torch.round(w / scale).clamp(-127, 127).to(torch.int8), scale
""", WA, "shape", "scale has one entry per row")
wrong("act3.quantize_int8", "NaN scrubbed from q, scale left at 0", """
    def quantize(w):
        scale = w.abs().amax(dim=1) / 127
        q = torch.nan_to_num(w / scale[:, None]).round().clamp(-127, 127).to(torch.int8)
        return q, scale
""", WA, "values", "scale of row")
wrong("act3.quantize_int8", "scale without the 127", """
    def quantize(w):
        amax = w.abs().amax(dim=1)
        scale = torch.where(amax > 0, amax, torch.ones_like(amax))
        return torch.round(w / scale[:, None]).clamp(-127, 127).to(torch.int8), scale
""", WA, "values", "expected")
wrong("act3.quantize_int8", "a list instead of a tuple", """
    def quantize(w):
        amax = w.abs().amax(dim=1)
        scale = torch.where(amax > 0, amax / 127, torch.ones_like(amax))
        return [torch.round(w / scale[:, None]).clamp(-127, 127).to(torch.int8), scale]
""", WA, "type", "return a tuple")
wrong("act3.quantize_int8", "torch.quantize_per_tensor", """
    def quantize(w):
        q = torch.quantize_per_tensor(w, 0.1, 0, torch.qint8)
        return q.int_repr(), torch.ones(w.shape[0])
""", CV, None, "quantize_per_tensor")

wrong("act3.quantize_int8", "torch.ao's observer", """
    def quantize(w):
        observer = torch.ao.quantization.PerChannelMinMaxObserver(
            ch_axis=0, dtype=torch.qint8, qscheme=torch.per_channel_symmetric)
        observer(w)
        scale, _ = observer.calculate_qparams()
        q = torch.round(w / scale[:, None]).clamp(-127, 127).to(torch.int8)
        return q, scale.float()
""", CV, None, "ao")

# act3.lora
right("act3.lora", "kaiming init, F.linear, deepcopy to merge", """
    import copy


    class LoRALinear(nn.Module):
        def __init__(self, base, rank, alpha):
            super().__init__()
            self.base = base
            for p in self.base.parameters():
                p.requires_grad = False
            w = base.weight
            self.lora_A = nn.Parameter(torch.empty(rank, base.in_features, dtype=w.dtype))
            nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))
            self.lora_B = nn.Parameter(torch.zeros(base.out_features, rank, dtype=w.dtype))
            self.scale = alpha / rank

        def forward(self, x):
            return F.linear(x, self.base.weight, self.base.bias) + \\
                F.linear(F.linear(x, self.lora_A), self.lora_B) * self.scale

        def merged(self):
            out = copy.deepcopy(self.base)
            with torch.no_grad():
                out.weight += self.scale * self.lora_B @ self.lora_A
            return out
""")
right("act3.lora", "register_parameter, einsum, .data assignment", """
    class LoRALinear(nn.Module):
        def __init__(self, base, rank, alpha):
            super().__init__()
            self.base = base.requires_grad_(False)
            like = {"dtype": base.weight.dtype, "device": base.weight.device}
            self.register_parameter("lora_A", nn.Parameter(
                torch.randn(rank, base.in_features, **like) * 0.01))
            self.register_parameter("lora_B", nn.Parameter(
                torch.zeros(base.out_features, rank, **like)))
            self.alpha, self.rank = alpha, rank

        def forward(self, x):
            low = torch.einsum("...i,ri->...r", x, self.lora_A)
            return self.base(x) + torch.einsum("...r,or->...o", low, self.lora_B) * (
                self.alpha / self.rank)

        def merged(self):
            out = nn.Linear(self.base.in_features, self.base.out_features,
                            dtype=self.base.weight.dtype)
            delta = (self.alpha / self.rank) * self.lora_B.detach() @ self.lora_A.detach()
            out.weight.data = self.base.weight.detach() + delta
            out.bias.data = self.base.bias.detach().clone()
            return out
""")
right("act3.lora", "the merged delta in forward, load_state_dict to merge", """
    class LoRALinear(nn.Module):
        def __init__(self, base, rank, alpha):
            super().__init__()
            base.weight.requires_grad_(False)
            base.bias.requires_grad_(False)
            self.base = base
            self.lora_A = nn.Parameter(torch.randn(rank, base.in_features,
                                                   dtype=base.weight.dtype))
            self.lora_B = nn.Parameter(base.weight.new_zeros(base.out_features, rank))
            self.s = alpha / rank

        def forward(self, x):
            return self.base(x) + self.s * (x @ (self.lora_B @ self.lora_A).T)

        def merged(self):
            out = nn.Linear(self.base.in_features, self.base.out_features,
                            dtype=self.base.weight.dtype)
            out.load_state_dict({"weight": self.base.weight + self.s * self.lora_B @ self.lora_A,
                                 "bias": self.base.bias})
            return out
""")
LORA_OK = """
    class LoRALinear(nn.Module):
        def __init__(self, base, rank, alpha):
            super().__init__()
            self.base = base
            {freeze}
            w = base.weight
            self.lora_A = nn.Parameter({init_a})
            self.lora_B = nn.Parameter({init_b})
            self.scaling = {scaling}

        def forward(self, x):
            return self.base(x) + (x @ self.lora_A.T @ self.lora_B.T) * self.scaling

        def merged(self):
            {merged}
"""
MERGE_OK = """b = self.base
            out = nn.Linear(b.in_features, b.out_features, dtype=b.weight.dtype)
            with torch.no_grad():
                out.weight.copy_(self.base.weight + self.scaling * self.lora_B @ self.lora_A)
                out.bias.copy_(self.base.bias)
            return out"""


def lora(freeze="self.base.requires_grad_(False)",
         init_a="torch.randn(rank, base.in_features, dtype=w.dtype)",
         init_b="torch.zeros(base.out_features, rank, dtype=w.dtype)",
         scaling="alpha / rank", merged=MERGE_OK) -> str:
    return LORA_OK.format(freeze=freeze, init_a=init_a, init_b=init_b, scaling=scaling,
                          merged=merged)


wrong("act3.lora", "A and B both zeros", lora(
    init_a="torch.zeros(rank, base.in_features, dtype=w.dtype)"),
    WA, "values", "lora_A must start random")
wrong("act3.lora", "merged layer without a bias", lora(merged="""b = self.base
            out = nn.Linear(b.in_features, b.out_features, bias=False, dtype=b.weight.dtype)
            with torch.no_grad():
                out.weight.copy_(self.base.weight + self.scaling * self.lora_B @ self.lora_A)
            return out"""), WA, "values", "merged() has no bias")
wrong("act3.lora", "merged into the base layer", lora(merged="""d = self.lora_B @ self.lora_A
            self.base.weight.data += self.scaling * d
            return self.base"""), WA, "values", "changed the adapter itself")
wrong("act3.lora", "rank / alpha", lora(scaling="rank / alpha"), WA, "values",
      "forward(x) differs")
wrong("act3.lora", "lora_B stored as (rank, out)", lora(
    init_b="torch.zeros(rank, base.out_features, dtype=w.dtype)"),
    WA, "shape", "lora_B must be")
wrong("act3.lora", "only the weight frozen", lora(
    freeze="self.base.weight.requires_grad_(False)"),
    WA, "values", "trainable: base.bias, lora_A, lora_B")

# act3.capture
right("act3.capture", "inference_mode, a first-call set, clone before detach", """
    def capture(model, x, names):
        table = dict(model.named_modules())
        missing = [n for n in names if n not in table]
        if missing:
            raise KeyError(missing[0])
        out = {}

        def hook_for(name):
            def hook(module, args, output):
                if name not in out:
                    out[name] = output.clone().detach()
            return hook

        handles = []
        try:
            for n in names:
                handles.append(table[n].register_forward_hook(hook_for(n)))
            with torch.inference_mode():
                model(x)
        finally:
            for h in handles:
                h.remove()
        return out
""")
right("act3.capture", "get_submodule after a membership check", """
    from functools import partial


    def capture(model, x, names):
        known = {name for name, _ in model.named_modules()}
        for name in names:
            if name not in known:
                raise KeyError(name)
        out = {}

        def hook(name, module, args, output):
            if name not in out:
                out[name] = output.detach().clone()

        handles = [model.get_submodule(n).register_forward_hook(partial(hook, n)) for n in names]
        try:
            with torch.no_grad():
                model(x)
        finally:
            for h in handles:
                h.remove()
        return out
""")
right("act3.capture", "one global hook, modules told apart by identity", """
    from torch.nn.modules.module import register_module_forward_hook


    def capture(model, x, names):
        table = dict(model.named_modules())
        wanted = {}
        for name in names:
            wanted.setdefault(id(table[name]), []).append(name)
        out = {}

        def hook(module, args, output):
            for name in wanted.get(id(module), []):
                if name not in out:
                    out[name] = output.detach().clone()

        handle = register_module_forward_hook(hook)
        try:
            with torch.no_grad():
                model(x)
        finally:
            handle.remove()
        return out
""")
CAPTURE = """
    def capture(model, x, names):
        modules = dict(model.named_modules())
        for name in names:
            if name not in modules:
                raise KeyError(name)
        out = {{}}

        def keep(name):
            def hook(module, args, output):
                if name not in out:
                    out[name] = output.detach().clone()
            return hook

        handles = [modules[n].{register}(keep(n)) for n in names]
        try:
            {run}
        finally:
            for h in handles:
                h.remove()
        {ret}
"""


def capture(register="register_forward_hook",
            run="with torch.no_grad():\n                model(x)",
            ret="return out", lookup=None) -> str:
    body = CAPTURE.format(register=register, run=run, ret=ret)
    return body if lookup is None else body.replace("dict(model.named_modules())", lookup)


wrong("act3.capture", "only the top-level children", capture(
    lookup="dict(model.named_children())"), RE, None, "KeyError")
wrong("act3.capture", "a list of tensors", capture(ret="return [out[n] for n in names]"),
      WA, "type", "return a dict of tensors")
wrong("act3.capture", "pre-hooks see inputs, not outputs", capture(
    register="register_forward_pre_hook").replace("def hook(module, args, output):",
                                                  "def hook(module, output):")
    .replace("output.detach().clone()", "output[0].detach().clone()"),
    WA, "values", "differ from that module's output")
wrong("act3.capture", "frozen to avoid graphs", capture(
    run="model.requires_grad_(False)\n            model(x)"),
    WA, "values", "no longer require gradients")
wrong("act3.capture", "the whole model's output straight from the call", capture(
    run="result = model(x)", ret="out[''] = result if '' in names else None\n"
                                 "        return {n: out[n] for n in names}"),
    WA, "values", "still carry an autograd graph")
wrong("act3.capture", "hooks registered before the names are checked", """
    def capture(model, x, names):
        modules = dict(model.named_modules())
        out, handles = {}, []
        for name in names:
            def hook(module, args, output, name=name):
                if name not in out:
                    out[name] = output.detach().clone()
            handles.append(modules[name].register_forward_hook(hook))
        with torch.no_grad():
            model(x)
        for h in handles:
            h.remove()
        return out
""", WA, "values", "hook(s) are still registered")

wrong("act3.capture", "get_submodule for the names (AttributeError, not KeyError)", """
    from functools import partial


    def capture(model, x, names):
        modules = {name: model.get_submodule(name) for name in names}
        out, done = {}, set()

        def hook(name, module, args, output):
            if name not in done:
                done.add(name)
                out[name] = output.detach().clone()

        handles = []
        try:
            for name, module in modules.items():
                handles.append(module.register_forward_hook(partial(hook, name)))
            with torch.no_grad():
                model(x)
        finally:
            for h in handles:
                h.remove()
        return out
""", RE, None, "AttributeError")
wrong("act3.capture", "a hook that returns its copy (and so replaces the output)", """
    def capture(model, x, names):
        table = dict(model.named_modules())
        missing = [n for n in names if n not in table]
        if missing:
            raise KeyError(missing[0])
        out = {}
        handles = [table[n].register_forward_hook(
            lambda m, a, o, n=n: out.setdefault(n, o.clone().detach())) for n in names]
        try:
            with torch.inference_mode():
                model(x)
        finally:
            for h in handles:
                h.remove()
        return out
""", WA, "values", "differ from that module's output")

# act3.audit
right("act3.audit", "named_parameters and a set of ids", """
    def count(module):
        seen, report = set(), {"trainable": 0, "frozen": 0, "buffers": 0}
        for _, p in module.named_parameters():
            if id(p) not in seen:
                seen.add(id(p))
                report["trainable" if p.requires_grad else "frozen"] += p.numel()
        report["buffers"] = sum(b.numel() for _, b in module.named_buffers())
        return report


    def audit(model):
        return {**count(model), "children": {n: count(c) for n, c in model.named_children()}}
""")
right("act3.audit", "a dict keyed by identity", """
    def audit(model):
        def count(m):
            params = {id(p): p for p in m.parameters()}.values()
            buffers = {id(b): b for b in m.buffers()}.values()
            return {"trainable": sum(p.numel() for p in params if p.requires_grad),
                    "frozen": sum(p.numel() for p in params if not p.requires_grad),
                    "buffers": sum(b.numel() for b in buffers)}

        result = count(model)
        result["children"] = {}
        for name, child in model.named_children():
            result["children"][name] = count(child)
        return result
""")
right("act3.audit", "int() around tensor sums", """
    def audit(model):
        def count(m):
            t = [p.numel() for p in m.parameters() if p.requires_grad]
            f = [p.numel() for p in m.parameters() if not p.requires_grad]
            b = [x.numel() for x in m.buffers()]
            return {"trainable": int(torch.tensor(t, dtype=torch.int64).sum()),
                    "frozen": int(torch.tensor(f, dtype=torch.int64).sum()),
                    "buffers": int(torch.tensor(b, dtype=torch.int64).sum())}

        return dict(count(model), children={n: count(c) for n, c in model.named_children()})
""")
AUDIT_COUNT = """
    def count(m):
        params = list(m.parameters())
        return {"trainable": sum(p.numel() for p in params if p.requires_grad),
                "frozen": sum(p.numel() for p in params if not p.requires_grad),
                "buffers": sum(b.numel() for b in m.buffers())}
"""
wrong("act3.audit", "children from the prefixes of the root's names", AUDIT_COUNT + """

    def audit(model):
        report = count(model)
        report["children"] = {}
        for name, _ in model.named_children():
            mine = [p for n, p in model.named_parameters() if n.startswith(name + ".")]
            report["children"][name] = {
                "trainable": sum(p.numel() for p in mine if p.requires_grad),
                "frozen": sum(p.numel() for p in mine if not p.requires_grad),
                "buffers": sum(b.numel() for n, b in model.named_buffers()
                               if n.startswith(name + "."))}
        return report
""", WA, "values", "child 'head'")
wrong("act3.audit", "counts as tensors", AUDIT_COUNT
      .replace("sum(p.numel()", "torch.tensor(sum(p.numel()")
      .replace("if p.requires_grad)", "if p.requires_grad))")
      .replace("if not p.requires_grad)", "if not p.requires_grad))") + """

    def audit(model):
        return {**count(model), "children": {n: count(c) for n, c in model.named_children()}}
""", WA, "type", "must be a Python int")
wrong("act3.audit", "children as a list", AUDIT_COUNT + """

    def audit(model):
        return {**count(model), "children": [count(c) for c in model.children()]}
""", WA, "type", "must be a dict")
wrong("act3.audit", "each module's own parameters, summed", """
    def audit(model):
        def count(root):
            total = {"trainable": 0, "frozen": 0, "buffers": 0}
            for m in root.modules():
                for p in m.parameters(recurse=False):
                    total["trainable" if p.requires_grad else "frozen"] += p.numel()
                for b in m.buffers(recurse=False):
                    total["buffers"] += b.numel()
            return total

        return {**count(model), "children": {n: count(c) for n, c in model.named_children()}}
""", WA, "values", "the whole model")
wrong("act3.audit", "frozen means no gradient yet", """
    def audit(model):
        def count(m):
            params = list(m.parameters())
            return {"trainable": sum(p.numel() for p in params if p.grad is not None),
                    "frozen": sum(p.numel() for p in params if p.grad is None),
                    "buffers": sum(b.numel() for b in m.buffers())}

        return {**count(model), "children": {n: count(c) for n, c in model.named_children()}}
""", WA, "values", "trainable is")
wrong("act3.audit", "bytes instead of elements", """
    def audit(model):
        def count(m):
            params = list(m.parameters())
            size = lambda t: t.numel() * t.element_size()
            return {"trainable": sum(size(p) for p in params if p.requires_grad),
                    "frozen": sum(size(p) for p in params if not p.requires_grad),
                    "buffers": sum(size(b) for b in m.buffers())}

        return {**count(model), "children": {n: count(c) for n, c in model.named_children()}}
""", WA, "values", "you counted")

# act3.port
PORT_NAMES = """
    PREFIX = "oneai.behemoth."
    RENAMES = [("ln_a.gamma", "norm1.weight"), ("ln_a.beta", "norm1.bias"),
               ("ln_b.gamma", "norm2.weight"), ("ln_b.beta", "norm2.bias"),
               ("attn.out.bias", "proj.bias"), ("mlp.up.", "ff1."), ("mlp.down.", "ff2."),
               ("final_ln.gamma", "norm.weight"), ("final_ln.beta", "norm.bias"),
               ("classifier.", "head."), ("blocks.", "layers.")]


    def rename(key):
        key = key.removeprefix(PREFIX)
        for old, new in RENAMES:
            key = key.replace(old, new)
        return key
"""
right("act3.port", "regular expressions, split and .T", """
    import re


    def port(ckpt):
        out = {}
        for key, value in ckpt.items():
            m = re.fullmatch(r"oneai\\.behemoth\\.(?:blocks\\.(\\d+)\\.)?(.+)", key)
            i, rest = m.groups()
            head = f"layers.{i}." if i is not None else ""
            if rest == "export_version":
                continue
            if rest.startswith("attn.qkv."):
                kind = rest.split(".")[-1]
                q, k, v = value.split(value.shape[0] // 3)
                out.update({f"{head}q.{kind}": q, f"{head}k.{kind}": k, f"{head}v.{kind}": v})
            elif rest == "attn.out.weight_t":
                out[head + "proj.weight"] = value.T
            else:
                name = {"ln_a.gamma": "norm1.weight", "ln_a.beta": "norm1.bias",
                        "ln_b.gamma": "norm2.weight", "ln_b.beta": "norm2.bias",
                        "attn.out.bias": "proj.bias", "mlp.up.weight": "ff1.weight",
                        "mlp.up.bias": "ff1.bias", "mlp.down.weight": "ff2.weight",
                        "mlp.down.bias": "ff2.bias", "final_ln.gamma": "norm.weight",
                        "final_ln.beta": "norm.bias", "classifier.weight": "head.weight",
                        "classifier.bias": "head.bias"}[rest]
                out[head + name] = value
        return out
""")
right("act3.port", "string replacements and a view into three", PORT_NAMES + """

    def port(ckpt):
        out = {}
        for key, value in ckpt.items():
            key = rename(key)
            if key == "export_version":
                continue
            if ".attn.qkv." in key:
                layer, kind = key.split(".attn.qkv.")
                parts = value.view(3, -1, *value.shape[1:]).unbind(0)
                for name, part in zip("qkv", parts, strict=True):
                    out[f"{layer}.{name}.{kind}"] = part.clone()
            elif key.endswith(".attn.out.weight_t"):
                out[key.replace("attn.out.weight_t", "proj.weight")] = value.transpose(0, 1)
            else:
                out[key] = value.clone()
        return out
""")
right("act3.port", "tensor_split and mT", PORT_NAMES + """

    def port(ckpt):
        out = {rename(k): v for k, v in ckpt.items() if not k.endswith("export_version")}
        for key in [k for k in out if ".attn." in k]:
            value = out.pop(key)
            layer = key.split(".attn.")[0]
            if key.endswith("qkv.weight") or key.endswith("qkv.bias"):
                kind = key.rsplit(".", 1)[1]
                for name, part in zip("qkv", torch.tensor_split(value, 3), strict=True):
                    out[f"{layer}.{name}.{kind}"] = part
            else:
                out[f"{layer}.proj.weight"] = value.mT.contiguous()
        return out
""")
right("act3.port", "the feed-forward units reordered (the same function)", PORT_NAMES + """

    def port(ckpt):
        out = {}
        for key, value in ckpt.items():
            key = rename(key)
            if key == "export_version":
                continue
            if ".attn.qkv." in key:
                layer, kind = key.split(".attn.qkv.")
                for name, part in zip("qkv", value.chunk(3), strict=True):
                    out[f"{layer}.{name}.{kind}"] = part.clone()
            elif key.endswith(".attn.out.weight_t"):
                out[key.replace("attn.out.weight_t", "proj.weight")] = value.t().clone()
            else:
                out[key] = value.clone()
        for key in [k for k in out if k.endswith("ff1.weight")]:
            layer = key.removesuffix("ff1.weight")
            order = torch.arange(out[key].shape[0]).flip(0)
            out[key] = out[key][order]
            out[layer + "ff1.bias"] = out[layer + "ff1.bias"][order]
            out[layer + "ff2.weight"] = out[layer + "ff2.weight"][:, order]
        return out
""")
PORT_OK = PORT_NAMES + """

    def port(ckpt):
        out = {{}}
        for key, value in ckpt.items():
            key = rename(key)
            if key == "export_version":
                {skip}
            if ".attn.qkv." in key:
                layer, kind = key.split(".attn.qkv.")
                for name, part in zip({order}, value.chunk(3), strict=True):
                    out[f"{{layer}}.{{name}}.{{kind}}"] = part.clone()
            elif key.endswith(".attn.out.weight_t"):
                out[key.replace("attn.out.weight_t", "proj.weight")] = {proj}
            else:
                out[key] = {other}
        return out
"""


def port(skip="continue", order='"qkv"', proj="value.t().clone()",
         other="value.clone()") -> str:
    return PORT_OK.format(skip=skip, order=order, proj=proj, other=other)


wrong("act3.port", "every 2-D weight transposed", port(
    other="value.t().clone() if value.dim() == 2 else value.clone()"),
    WA, "shape", "the open model needs")
wrong("act3.port", "blocks left as blocks", port().replace(
    '("classifier.", "head."), ("blocks.", "layers.")', '("classifier.", "head.")'),
    WA, "values", "missing")
wrong("act3.port", "q, k, v taken as v, k, q", port(order='"vkq"'), WA, "values",
      "layers.0.q.weight")
wrong("act3.port", "everything made float32", port(
    proj="value.t().float()", other="value.float()"), WA, "dtype", "keep the checkpoint's dtype")
wrong("act3.port", "the metadata popped from the input", port(skip="continue").replace(
    "    out = {}\n", "    ckpt.pop(PREFIX + 'export_version')\n        out = {}\n"),
    WA, "mutated", "changed its input")
wrong("act3.port", "the version kept for later", port(skip="out[key] = value"), WA, "values",
      "unexpected 1 key(s), e.g. export_version")

# act3.dead_units
right("act3.dead_units", "relu, sum and nonzero indices", """
    def prune(state, x):
        h = torch.relu(x @ state["fc1.weight"].T + state["fc1.bias"])
        idx = (h.sum(dim=0) > 0).nonzero().flatten()
        return {"fc1.weight": state["fc1.weight"].index_select(0, idx),
                "fc1.bias": state["fc1.bias"].index_select(0, idx),
                "fc2.weight": state["fc2.weight"].index_select(1, idx),
                "fc2.bias": state["fc2.bias"].clone()}
""")
right("act3.dead_units", "F.linear, gt().any(), a transpose round trip", """
    def prune(state, x):
        keep = F.linear(x, state["fc1.weight"], state["fc1.bias"]).gt(0).any(0)
        return {"fc1.weight": state["fc1.weight"][keep], "fc1.bias": state["fc1.bias"][keep],
                "fc2.weight": state["fc2.weight"].T[keep].T.contiguous(),
                "fc2.bias": state["fc2.bias"]}
""")
right("act3.dead_units", "torch.where on counts", """
    def prune(state, x):
        fired = (torch.addmm(state["fc1.bias"], x, state["fc1.weight"].T) > 0).sum(dim=0)
        idx = torch.where(fired > 0)[0]
        w1, b1, w2 = state["fc1.weight"], state["fc1.bias"], state["fc2.weight"]
        return {"fc1.weight": w1[idx], "fc1.bias": b1[idx], "fc2.weight": w2[:, idx],
                "fc2.bias": state["fc2.bias"].clone()}
""")
PRUNE = """
    def prune(state, x):
        pre = x @ state["fc1.weight"].T + state["fc1.bias"]
        keep = {keep}
        return {{"fc1.weight": state["fc1.weight"][keep], "fc1.bias": state["fc1.bias"][keep],
                "fc2.weight": state["fc2.weight"][:, keep], "fc2.bias": state["fc2.bias"]}}
"""
wrong("act3.dead_units", "amax over the rows", PRUNE.format(keep="pre.amax(dim=0) > 0"),
      RE, None, "no data at all")
wrong("act3.dead_units", "only the first ten rows looked at", PRUNE.format(
    keep="(pre[:10] > 0).any(dim=0)"), WA, "values", "outputs on x differ")
wrong("act3.dead_units", "the bias forgotten", PRUNE.format(
    keep="(x @ state['fc1.weight'].T > 0).any(dim=0)"), WA, None, "")
wrong("act3.dead_units", "the weights cast to float32", """
    def prune(state, x):
        keep = (x @ state["fc1.weight"].T + state["fc1.bias"] > 0).any(dim=0)
        return {"fc1.weight": state["fc1.weight"][keep].float(),
                "fc1.bias": state["fc1.bias"][keep].float(),
                "fc2.weight": state["fc2.weight"][:, keep].float(),
                "fc2.bias": state["fc2.bias"].float()}
""", WA, "dtype", "keep the dtype")
wrong("act3.dead_units", "a Sequential's keys", """
    def prune(state, x):
        keep = (x @ state["fc1.weight"].T + state["fc1.bias"] > 0).any(dim=0)
        return {"0.weight": state["fc1.weight"][keep], "0.bias": state["fc1.bias"][keep],
                "2.weight": state["fc2.weight"][:, keep], "2.bias": state["fc2.bias"]}
""", WA, "values", "the keys must be exactly")
wrong("act3.dead_units", "an OrderedDict", """
    from collections import OrderedDict


    def prune(state, x):
        keep = (x @ state["fc1.weight"].T + state["fc1.bias"] > 0).any(dim=0)
        return OrderedDict([("fc1.weight", state["fc1.weight"][keep]),
                            ("fc1.bias", state["fc1.bias"][keep]),
                            ("fc2.weight", state["fc2.weight"][:, keep]),
                            ("fc2.bias", state["fc2.bias"])])
""", WA, "type", "OrderedDict")

# act3.honest_eval
right("act3.honest_eval", "inference_mode, tensors summed, .item() at the end", """
    def evaluate(model, loader):
        mode = model.training
        model.eval()
        correct, total = torch.zeros((), dtype=torch.int64), 0
        with torch.inference_mode():
            for x, y in loader:
                correct += model(x).argmax(1).eq(y).sum()
                total += y.numel()
        model.train(mode)
        return (correct / total).item()
""")
right("act3.honest_eval", "per-batch accuracies weighted by batch size", """
    def evaluate(model, loader):
        was = model.training
        model.eval()
        weighted, n = 0.0, 0
        with torch.no_grad():
            for x, y in loader:
                acc = (model(x).argmax(dim=1) == y).float().mean().item()
                weighted += acc * len(y)
                n += len(y)
        if was:
            model.train()
        return weighted / n
""")
right("act3.honest_eval", "all predictions concatenated", """
    def evaluate(model, loader):
        was = model.training
        try:
            model.eval()
            with torch.no_grad():
                pairs = [(model(x).argmax(dim=1), y) for x, y in loader]
            pred = torch.cat([p for p, _ in pairs])
            true = torch.cat([y for _, y in pairs])
            return float((pred == true).double().mean())
        finally:
            model.train(was)
""")
EVAL = """
    def evaluate(model, loader):
        was = model.training
        {to_eval}
        correct = total = 0
        with torch.no_grad():
            for x, y in loader:
                correct += (model(x).argmax(dim=1) == y).sum().item()
                total += {count}
        model.train(was)
        return {ret}
"""


def honest(to_eval="model.eval()", count="len(y)", ret="correct / total") -> str:
    return EVAL.format(to_eval=to_eval, count=count, ret=ret)


wrong("act3.honest_eval", "training flag set on the model only", honest(
    to_eval="model.training = False"), WA, "values", "ran in training mode")
wrong("act3.honest_eval", "a percentage", honest(ret="100 * correct / total"), WA, "values",
      "you returned")
wrong("act3.honest_eval", "a 0-d tensor", honest(ret="torch.tensor(correct / total)"), WA,
      "type", "return a Python float")
wrong("act3.honest_eval", "every batch counted as full", honest(count="loader.batch_size"),
      WA, "values", "accuracy is")
wrong("act3.honest_eval", "no no_grad, a detach instead", """
    def evaluate(model, loader):
        was = model.training
        model.eval()
        correct = total = 0
        for x, y in loader:
            correct += (model(x).detach().argmax(dim=1) == y).sum().item()
            total += len(y)
        model.train(was)
        return correct / total
""", WA, "values", "gradients enabled")
wrong("act3.honest_eval", "the mode never restored", honest().replace(
    "        model.train(was)\n", ""), WA, "values", "leave it in that mode")


@pytest.mark.parametrize(("puzzle", "name", "source"), RIGHT,
                         ids=[f"{p}:{n}" for p, n, _ in RIGHT])
def test_other_correct_answers_pass(judge: Judge, puzzle: str, name: str, source: str) -> None:
    res = judge.verify(puzzle, source, seed=SEED)
    assert res.status is Status.PASS, f"{name}: {res.status.value}: {res.message}"


@pytest.mark.parametrize(("puzzle", "name", "source", "status", "mismatch", "says"), WRONG,
                         ids=[f"{w[0]}:{w[1]}" for w in WRONG])
def test_plausible_mistakes_fail(judge: Judge, puzzle: str, name: str, source: str,
                                 status: Status, mismatch: str | None, says: str) -> None:
    res = judge.verify(puzzle, source, seed=SEED)
    kinds = {t.mismatch for t in res.tests if t.mismatch}
    assert res.status is status, f"{name}: {res.status.value}: {res.message}"
    if mismatch is not None:
        assert mismatch in kinds, f"{name}: mismatch kinds {kinds}: {res.message}"
    assert says in res.message, res.message


def test_every_puzzle_has_three_right_and_five_wrong_answers_here() -> None:
    for puzzle in ("act3.quantize_int8", "act3.lora", "act3.capture", "act3.audit",
                   "act3.port", "act3.dead_units", "act3.honest_eval"):
        assert sum(p == puzzle for p, _, _ in RIGHT) >= 3, puzzle
        assert sum(w[0] == puzzle for w in WRONG) >= 5, puzzle
