"""act4.tuesday_picture: per-head attention maps of a one-layer model, and the head that looks
at the previous token.

The judge plants the weights: positions are encoded as four rotating planes, so one head's
queries meet the keys of the position before them (a previous-token head), one head's meet
their own position, one head has no query weights (it spreads evenly over the past), and one
reads token content at random. The roles are shuffled per case. The maps the judge computed
are attached to the verdict as heatmaps.
"""

import importlib.util
import math
from pathlib import Path

import torch

from game.engine.checks import Case, Check, Heatmap, Mismatch, describe
from game.engine.compare import compare_tensors

_spec = importlib.util.spec_from_file_location("torchenstein_tuesday_harness",
                                               Path(__file__).with_name("harness.py"))
lab = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(lab)

D, HEADS, DH, VOCAB, MAX_LEN = 32, 4, 8, 16, 16
ROLES = ("previous token", "same token", "even spread", "content")


def maps_of(model: torch.nn.Module, tokens: torch.Tensor) -> torch.Tensor:
    t = tokens.shape[0]
    with torch.no_grad():
        h = model.embed(tokens) + model.pos[:t]
        q, k, _ = model.qkv(h).split(D, dim=-1)
        q = q.view(t, HEADS, DH).transpose(0, 1)
        k = k.view(t, HEADS, DH).transpose(0, 1)
        scores = q @ k.transpose(-2, -1) / math.sqrt(DH)
        future = torch.ones(t, t, dtype=torch.bool).triu(1)
        return scores.masked_fill(future, float("-inf")).softmax(dim=-1)


def previous_token_head(maps: torch.Tensor) -> int:
    return int(maps.diagonal(offset=-1, dim1=1, dim2=2).mean(dim=1).argmax())


def reference(state, tokens):
    maps = maps_of(lab.build(state), tokens)
    return maps, previous_token_head(maps)


def planted(g) -> tuple[dict[str, torch.Tensor], list[str]]:
    seed = int(torch.randint(0, 2**31 - 1, (1,), generator=g))
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        state = {k: v.detach().clone() for k, v in lab.TinyAttention().state_dict().items()}
    state["embed.weight"][:, 16:] = 0  # token content lives in dims 0..15
    theta = 2 * math.pi * torch.arange(1, 5, dtype=torch.float64) / 40
    angles = torch.arange(MAX_LEN, dtype=torch.float64)[:, None] * theta  # (max_len, 4)
    pos = torch.zeros(MAX_LEN, D, dtype=torch.float64)
    pos[:, 16:24:2], pos[:, 17:24:2] = angles.cos(), angles.sin()  # four rotating planes
    state["pos"] = pos.float()
    order = torch.randperm(HEADS, generator=g).tolist()
    wq = torch.zeros(D, D)
    wk = torch.zeros(D, D)
    gain = 9.0
    rot = torch.zeros(8, 8)  # turns every plane one position forward
    for p in range(4):
        c, s = math.cos(theta[p]), math.sin(theta[p])
        rot[2 * p:2 * p + 2, 2 * p:2 * p + 2] = torch.tensor([[c, -s], [s, c]])
    for head, role in zip(order, ROLES, strict=True):
        rows = slice(head * DH, (head + 1) * DH)
        if role == "previous token":
            wq[rows, 16:24] = gain * torch.eye(8)
            wk[rows, 16:24] = gain * rot
        elif role == "same token":
            wq[rows, 16:24] = gain * torch.eye(8)
            wk[rows, 16:24] = gain * torch.eye(8)
        elif role == "content":
            wq[rows, :16] = 0.3 * torch.randn(DH, 16, generator=g)
            wk[rows, :16] = 0.3 * torch.randn(DH, 16, generator=g)
        # "even spread": no query weights, every score 0
    state["qkv.weight"][:D] = wq
    state["qkv.weight"][D:2 * D] = wk
    return state, [ROLES[order.index(h)] for h in range(HEADS)]


def cases(g):
    for i, length in enumerate((10, 12, 16, 3, 6)):
        state, roles = planted(g)
        tokens = torch.randint(0, VOCAB, (length,), generator=g)
        name = f"example: {length} tokens" if i == 0 else f"{length} tokens"
        yield Case(name, state, tokens, example=i == 0, data={"roles": roles})


def evaluate(case, expected, got, ctx):
    maps_ref, head_ref = expected
    tokens = case.args[1]
    if case.example:
        labels = [f"{i}:{int(t)}" for i, t in enumerate(tokens)]
        for h in range(maps_ref.shape[0]):
            ctx.add_figure(Heatmap(title=f"head {h} (the judge's map): rows are queries, "
                                   "columns keys", values=maps_ref[h].tolist(),
                                   row_labels=labels, col_labels=labels))
    if not (isinstance(got, tuple) and len(got) == 2):
        return Mismatch("type", f"return a tuple (maps, head), not {describe(got)}")
    maps, head = got
    if type(maps) is not torch.Tensor:
        return Mismatch("type", f"maps must be a torch.Tensor, not {describe(maps)}")
    found = compare_tensors(maps_ref, maps, path="maps", exact=False, rtol=None, atol=None)
    if found:
        return found
    if type(head) is not int:
        return Mismatch("type", f"head must be a Python int, not {describe(head)}")
    if head != head_ref:
        roles = case.data["roles"]
        said = roles[head] if 0 <= head < len(roles) else "no head at all"
        return Mismatch("values", f"head {head} attends by {said}; the previous-token head is "
                        f"head {head_ref}", str(head_ref), str(head))
    return None


CHECK = Check(reference=reference, cases=cases, evaluate=evaluate, inputs_on_device=False)
