"""Builds the frozen layer in the child, wraps it with the player's LoRALinear and reports what
the judge needs: the module's keys, trainable names and initial adapters, its output and
gradients with the judge's adapters loaded, and what merged() gave back."""

import torch
from torch import nn

# The runner builds a class puzzle's module from plain data before it calls run(); this one is
# built around an nn.Linear, which cannot travel as plain data, so run() receives the class
# itself and builds it here, in the child, around the layer it made.
BUILDS_ENTRY = True


def _shares(t, module):
    ptr = t.untyped_storage().data_ptr()
    return any(ptr == p.untyped_storage().data_ptr() for p in module.state_dict().values())


def run(entry, pack, rank, alpha):
    w, b = pack["weight"], pack["bias"]
    base = nn.Linear(w.shape[1], w.shape[0], dtype=w.dtype)
    with torch.no_grad():
        base.weight.copy_(w)
        base.bias.copy_(b)
    lora = entry(base, rank, alpha)  # entry is the player's class
    if not isinstance(lora, nn.Module):
        raise TypeError("LoRALinear(base, rank, alpha) must build an nn.Module")
    state = lora.state_dict()
    report = {"keys": sorted(state), "trainable": sorted(
        n for n, p in lora.named_parameters() if p.requires_grad)}
    if set(state) != {"base.weight", "base.bias", "lora_A", "lora_B"}:
        return report
    report["init_A"] = state["lora_A"].detach().clone()
    report["init_B"] = state["lora_B"].detach().clone()
    report["frozen_flags"] = [bool(base.weight.requires_grad), bool(base.bias.requires_grad)]
    if state["lora_A"].shape != pack["A"].shape or state["lora_B"].shape != pack["B"].shape:
        return report  # the judge explains the shapes; loading would only raise
    lora.load_state_dict({"base.weight": w, "base.bias": b, "lora_A": pack["A"],
                          "lora_B": pack["B"]})
    y = lora(pack["x"])
    report["y"] = y.detach().clone()
    if y.requires_grad:
        y.backward(pack["up"])
    params = dict(lora.named_parameters(remove_duplicate=False))
    report["grad_A"] = None if params["lora_A"].grad is None else params["lora_A"].grad.clone()
    report["grad_B"] = None if params["lora_B"].grad is None else params["lora_B"].grad.clone()
    report["base_grads"] = [lora.state_dict(keep_vars=True)[k].grad is not None
                            for k in ("base.weight", "base.bias")]
    before = {k: v.detach().clone() for k, v in lora.state_dict().items()}
    merged = lora.merged()
    report["merged_type"] = f"{type(merged).__module__}.{type(merged).__qualname__}"
    if type(merged) is not nn.Linear:
        return report
    report["merged_weight"] = merged.weight.detach().clone()
    report["merged_bias"] = None if merged.bias is None else merged.bias.detach().clone()
    report["merged_shares"] = [_shares(merged.weight, lora),
                               merged.bias is not None and _shares(merged.bias, lora)]
    report["self_changed"] = sorted(k for k, v in lora.state_dict().items()
                                    if not torch.equal(v, before[k]))
    with torch.no_grad():
        report["merged_y"] = merged(pack["x"]).clone()
    return report
