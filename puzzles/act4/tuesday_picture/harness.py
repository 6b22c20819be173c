"""Child side of act4.tuesday_picture: Victor's one-layer attention model, with the judge's
weights. The player gets the module; check.py loads this file for the same architecture."""

import math

import torch
from torch import nn


class TinyAttention(nn.Module):
    def __init__(self, vocab: int = 16, d_model: int = 32, n_heads: int = 4,
                 max_len: int = 16) -> None:
        super().__init__()
        self.n_heads = n_heads
        self.embed = nn.Embedding(vocab, d_model)
        self.pos = nn.Parameter(torch.zeros(max_len, d_model))
        self.qkv = nn.Linear(d_model, 3 * d_model, bias=False)
        self.proj = nn.Linear(d_model, d_model)
        self.unembed = nn.Linear(d_model, vocab)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        """tokens: int64 (T,) -> logits (T, vocab)."""
        t, d = tokens.shape[0], self.pos.shape[1]
        dh = d // self.n_heads
        h = self.embed(tokens) + self.pos[:t]
        q, k, v = self.qkv(h).split(d, dim=-1)
        q, k, v = (z.view(t, self.n_heads, dh).transpose(0, 1) for z in (q, k, v))
        scores = q @ k.transpose(-2, -1) / math.sqrt(dh)
        future = torch.ones(t, t, dtype=torch.bool).triu(1)
        att = scores.masked_fill(future, float("-inf")).softmax(dim=-1)
        out = (att @ v).transpose(0, 1).reshape(t, d)
        return self.unembed(h + self.proj(out))


def build(state: dict) -> TinyAttention:
    model = TinyAttention()
    model.load_state_dict(state)
    return model


def run(entry, state, tokens):
    return entry(build(state), tokens)
