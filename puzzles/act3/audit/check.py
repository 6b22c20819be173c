"""act3.audit: count a model honestly. The model is built in the child by harness.py; the judge
builds the same one from the same file and counts the truth itself, so nothing the submission
says about the model is taken on trust but its answer."""

from pathlib import Path

import torch

from game.engine.checks import Case, Check, Mismatch, describe

_HARNESS: dict = {"__name__": "act3_audit_models"}
exec(compile(Path(__file__).with_name("harness.py").read_text(encoding="utf-8"),
             str(Path(__file__).with_name("harness.py")), "exec"), _HARNESS)
build = _HARNESS["build"]
KINDS = ("trainable", "frozen", "buffers")


def _truth(module):
    params = {id(p): p for _, p in module.named_parameters(remove_duplicate=False)}.values()
    buffers = {id(b): b for _, b in module.named_buffers(remove_duplicate=False)}.values()
    return {"trainable": sum(p.numel() for p in params if p.requires_grad),
            "frozen": sum(p.numel() for p in params if not p.requires_grad),
            "buffers": sum(b.numel() for b in buffers)}


def reference(spec):
    model = build(spec)
    report = _truth(model)
    report["children"] = {name: _truth(child) for name, child in model.named_children()}
    return {"audit": report,
            "flags": [name for name, p in model.named_parameters() if p.requires_grad]}


def cases(g):
    def seed():
        return int(torch.randint(0, 2**31 - 1, (1,), generator=g))

    yield Case("example: the tiny language model", {"arch": "tiny_lm", "seed": seed()},
               example=True, note="its head shares the embedding's weight: one tensor, two "
                                  "names; its position table is a buffer the state_dict omits")
    yield Case("a bigger language model", {"arch": "tiny_lm", "seed": seed(),
                                            "sizes": {"vocab": 500, "d": 64, "blocks": 6}})
    yield Case("the vision model", {"arch": "vision", "seed": seed()},
               note="a frozen backbone with batch norms, a layer with a frozen weight and a "
                    "trainable bias, and a temperature that belongs to no child")
    yield Case("the siamese towers", {"arch": "siamese", "seed": seed(), "sizes": {"d": 33}},
               note="the two towers share one weight: it belongs to both towers, and exists "
                    "once in the total")


def _numbers(where, got):
    if not isinstance(got, dict):
        return Mismatch("type", f"{where} must be a dict, got {describe(got)}")
    for key in KINDS:
        value = got.get(key)
        if type(value) is not int:
            return Mismatch("type", f"{where}[{key!r}] must be a Python int, got "
                            f"{describe(value) if key in got else 'nothing'}")
    return None


def _compare(where, want, got):
    for key in KINDS:
        if got[key] != want[key]:
            return Mismatch("values", f"{where}: {key} is {want[key]:,}, you counted "
                            f"{got[key]:,}", f"{want[key]:,}", f"{got[key]:,}")
    return None


def evaluate(case, expected, got, ctx):
    if not isinstance(got, dict) or "audit" not in got:
        return Mismatch("type", "the judge could not read the result", "", describe(got))
    mine, want = got["audit"], expected["audit"]
    if (m := _numbers("the audit", mine)) is not None:
        return m
    children = mine.get("children")
    if not isinstance(children, dict):
        return Mismatch("type", f"audit['children'] must be a dict, got {describe(children)}")
    if list(children) != list(want["children"]):
        return Mismatch("values", "audit['children'] must name each top-level child "
                        f"(model.named_children()): {', '.join(want['children'])}; yours: "
                        f"{', '.join(map(str, children)) or 'none'}")
    if (m := _compare("the whole model", want, mine)) is not None:
        return m
    for name, counts in want["children"].items():
        if (m := _numbers(f"audit['children'][{name!r}]", children[name])) is not None:
            return m
        if (m := _compare(f"child {name!r}", counts, children[name])) is not None:
            return m
    if got["flags"] != expected["flags"]:
        return Mismatch("values", "counting changed which parameters require gradients; an "
                        "audit only looks")
    return None


CHECK = Check(reference=reference, cases=cases, evaluate=evaluate, inputs_on_device=False)
