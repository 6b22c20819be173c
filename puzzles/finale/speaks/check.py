"""finale.speaks: a tiny character-level transformer trained on the game's own scenes.

The judge reads the scenes (story/**/*.md, front matter removed), keeps every tenth block of
256 characters as held-out text that never leaves this process, and hands the rest to the
player as character ids. The returned state_dict is loaded into the judge's own model; the
held-out loss, the loss curve over the player's snapshots and the sample all come from the
judge's code."""

import math
import re
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from game.engine.checks import Case, Check, Mismatch, Series

STORY = Path(__file__).resolve().parents[3] / "story"
D_MODEL, N_HEADS, N_LAYERS, CONTEXT = 32, 4, 2, 32
BLOCK = 256          # the text is cut in blocks of this many characters ...
HELD_OUT_EVERY = 10  # ... and every tenth block is held out
THRESHOLD = 2.45     # nats per character on the held-out text
MAX_SNAPSHOTS = 40
PROMPT = "**TORCHENSTEIN:** "
SAMPLE_CHARS = 60


def story_text() -> str:
    scenes = []
    for path in sorted(STORY.rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        scenes.append(re.sub(r"\A\+\+\+\n.*?\n\+\+\+\n", "", text, flags=re.S).strip())
    return "\n\n".join(scenes)


class RMSNorm(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-6) * self.weight


class Attention(nn.Module):
    def __init__(self, d, h):
        super().__init__()
        self.h = h
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)

    def forward(self, x):
        b, t, d = x.shape
        q, k, v = (z.view(b, t, self.h, d // self.h).transpose(1, 2)
                   for z in self.qkv(x).split(d, -1))
        scores = q @ k.transpose(-2, -1) / math.sqrt(d // self.h)
        causal = torch.ones(t, t, dtype=torch.bool).tril()
        y = scores.masked_fill(~causal, float("-inf")).softmax(-1) @ v
        return self.proj(y.transpose(1, 2).reshape(b, t, d))


class Block(nn.Module):
    def __init__(self, d, h):
        super().__init__()
        self.norm1 = RMSNorm(d)
        self.attn = Attention(d, h)
        self.norm2 = RMSNorm(d)
        self.fc = nn.Linear(d, 4 * d)
        self.out = nn.Linear(4 * d, d)

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.out(F.gelu(self.fc(self.norm2(x))))


class TinyLM(nn.Module):
    def __init__(self, vocab_size):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, D_MODEL)
        self.pos = nn.Embedding(CONTEXT, D_MODEL)
        self.blocks = nn.ModuleList(Block(D_MODEL, N_HEADS) for _ in range(N_LAYERS))
        self.norm = RMSNorm(D_MODEL)
        self.head = nn.Linear(D_MODEL, vocab_size)

    def forward(self, idx):
        x = self.tok(idx) + self.pos(torch.arange(idx.shape[1]))
        for block in self.blocks:
            x = block(x)
        return self.head(self.norm(x))


def split(ids):
    blocks = ids[: len(ids) // BLOCK * BLOCK].view(-1, BLOCK)
    held = torch.arange(len(blocks)) % HELD_OUT_EVERY == 0
    return blocks[~held].reshape(-1).contiguous(), blocks[held]


@torch.no_grad()
def held_out_loss(model, held, windows=None):
    """Mean cross-entropy over every non-overlapping window of the held-out blocks."""
    per_block = (BLOCK - 1) // CONTEXT
    x = held[:, : per_block * CONTEXT].reshape(-1, CONTEXT)
    y = held[:, 1: per_block * CONTEXT + 1].reshape(-1, CONTEXT)
    if windows is not None:
        x, y = x[:windows], y[:windows]
    return float(F.cross_entropy(model(x).flatten(0, 1), y.flatten()))


@torch.no_grad()
def sample(model, chars, seed):
    g = torch.Generator().manual_seed(seed)
    known = {c: i for i, c in enumerate(chars)}
    idx = torch.tensor([[known[c] for c in PROMPT if c in known]])
    for _ in range(SAMPLE_CHARS):
        logits = model(idx[:, -CONTEXT:])[0, -1] / 0.8
        nxt = torch.multinomial(logits.softmax(-1), 1, generator=g)
        idx = torch.cat([idx, nxt[None]], dim=1)
    return "".join(chars[i] for i in idx[0, -SAMPLE_CHARS:].tolist())


def cases(g):
    text = story_text()
    chars = sorted(set(text))
    ids = torch.tensor([chars.index(c) for c in text], dtype=torch.int64)
    train, held = split(ids)
    seed = int(torch.randint(0, 2**31 - 1, (1,), generator=g))
    # The last argument is replaced in the child by the snapshot callback that keeps this many.
    yield Case("the game's own scenes", train, len(chars), seed, MAX_SNAPSHOTS, example=True,
               data={"held": held, "chars": chars})


def _load(got, vocab_size):
    """The judge's TinyLM with the returned weights, or a Mismatch saying why not."""
    if not (isinstance(got, tuple | list) and len(got) == 2 and isinstance(got[0], dict)):
        what = type(got[0] if isinstance(got, tuple | list) and got else got).__name__
        return Mismatch("type", f"return model.state_dict() (a dict of tensors), not a {what}")
    state = got[0]
    want = {k: tuple(v.shape) for k, v in TinyLM(vocab_size).state_dict().items()}
    have = {k: tuple(v.shape) for k, v in state.items() if type(v) is torch.Tensor}
    if want != have:
        missing = sorted(set(want) - set(have))
        extra = sorted(set(have) - set(want))
        wrong = sorted(k for k in set(want) & set(have) if want[k] != have[k])
        parts = ([f"missing {', '.join(missing[:4])}"] if missing else []) + \
                ([f"unexpected {', '.join(extra[:4])}"] if extra else []) + \
                [f"{k} should be {want[k]}, is {have[k]}" for k in wrong[:3]]
        kind = "shape" if wrong and not missing and not extra else "type"
        return Mismatch(kind, "the state_dict does not fit the architecture in the brief: "
                        + "; ".join(parts))
    model = TinyLM(vocab_size)
    model.load_state_dict({k: v.float() for k, v in state.items()})
    return model.eval()


def evaluate(case, expected, got, ctx):
    vocab_size = case.args[1]
    model = _load(got, vocab_size)
    if isinstance(model, Mismatch):
        return model
    held, chars = case.data["held"], case.data["chars"]
    loss = held_out_loss(model, held)
    if not math.isfinite(loss):
        return Mismatch("nan", "the held-out loss is not finite: the weights hold NaN or inf")
    snapshots = [s for s in got[1] if isinstance(s, dict)][:MAX_SNAPSHOTS]
    curve = []
    for state in snapshots:
        snap = _load((state, []), vocab_size)
        if isinstance(snap, Mismatch):
            break
        curve.append(held_out_loss(snap, held, windows=32))
    curve.append(held_out_loss(model, held, windows=32))
    said = " ".join(sample(model, chars, ctx.seed).split())
    ctx.add_figure(Series(title=f"Held-out loss. It says: {said}"[:120],
                          x=list(range(len(curve))), x_label="snapshot",
                          y_label="nats per character",
                          lines={"yours": curve, "threshold": [THRESHOLD] * len(curve)}))
    if loss > THRESHOLD:
        return Mismatch("values", f"held-out loss {loss:.3f} nats per character, above "
                        f"{THRESHOLD}: train longer, or with a larger learning rate",
                        f"<= {THRESHOLD}", f"{loss:.3f}")
    return None


CHECK = Check(cases=cases, evaluate=evaluate, inputs_on_device=False, check_mutation=True)
