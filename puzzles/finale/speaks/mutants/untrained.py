import math

import torch
import torch.nn.functional as F
from torch import nn

D_MODEL, N_HEADS, N_LAYERS, CONTEXT = 32, 4, 2, 32


class RMSNorm(nn.Module):  # from "The Root of the Matter"
    def __init__(self, dim: int, eps: float = 1e-6):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        wide = torch.promote_types(x.dtype, torch.float32)
        h = x.to(wide)
        h = h * torch.rsqrt(h.pow(2).mean(dim=-1, keepdim=True) + self.eps)
        return (h * self.weight.to(wide)).to(x.dtype)


class CausalSelfAttention(nn.Module):  # from "What the Machine Remembers"
    def __init__(self, d_model: int, n_heads: int):
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
        allowed = torch.ones(t, s, dtype=torch.bool, device=x.device).tril(s - t)
        y = F.scaled_dot_product_attention(q, k, v, attn_mask=allowed,
                                           scale=1 / math.sqrt(d // self.n_heads))
        return self.proj(y.transpose(1, 2).reshape(b, t, d)), (k, v)


class Block(nn.Module):
    def __init__(self, d: int, h: int):
        super().__init__()
        self.norm1 = RMSNorm(d)
        self.attn = CausalSelfAttention(d, h)
        self.norm2 = RMSNorm(d)
        self.fc = nn.Linear(d, 4 * d)
        self.out = nn.Linear(4 * d, d)

    def forward(self, x):
        x = x + self.attn(self.norm1(x))[0]
        return x + self.out(F.gelu(self.fc(self.norm2(x))))


class TinyLM(nn.Module):
    def __init__(self, vocab_size: int):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, D_MODEL)
        self.pos = nn.Embedding(CONTEXT, D_MODEL)
        self.blocks = nn.ModuleList(Block(D_MODEL, N_HEADS) for _ in range(N_LAYERS))
        self.norm = RMSNorm(D_MODEL)
        self.head = nn.Linear(D_MODEL, vocab_size)

    def forward(self, idx):
        x = self.tok(idx) + self.pos(torch.arange(idx.shape[1], device=idx.device))
        for block in self.blocks:
            x = block(x)
        return self.head(self.norm(x))


def train_lm(ids, vocab_size, seed, snapshot):
    torch.manual_seed(seed)
    model = TinyLM(vocab_size)
    opt = torch.optim.AdamW(model.parameters(), lr=6e-3)
    offsets = torch.arange(CONTEXT)
    for step in range(0):  # the first sentence, before any lesson
        start = torch.randint(0, len(ids) - CONTEXT, (32, 1))
        x, y = ids[start + offsets], ids[start + offsets + 1]   # (32, CONTEXT) windows
        loss = F.cross_entropy(model(x).flatten(0, 1), y.flatten())
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 20 == 0:
            snapshot(model)
    return model.state_dict()
