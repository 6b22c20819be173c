import torch
import torch.nn.functional as F
from torch import nn

D_MODEL, N_HEADS, N_LAYERS, CONTEXT = 32, 4, 2, 32


class RMSNorm(nn.Module):
    # Bring yours from "The Root of the Matter".
    def __init__(self, dim: int, eps: float = 1e-6):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        raise NotImplementedError("RMSNorm: paste your block here")


class CausalSelfAttention(nn.Module):
    # Bring yours from "What the Machine Remembers": forward returns (y, cache).
    def __init__(self, d_model: int, n_heads: int):
        super().__init__()
        self.n_heads = n_heads
        self.qkv = nn.Linear(d_model, 3 * d_model)
        self.proj = nn.Linear(d_model, d_model)

    def forward(self, x, cache=None):
        raise NotImplementedError("CausalSelfAttention: paste your block here")


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
    # Teach it: windows of CONTEXT characters from ids, each predicting the next character.
    # Call snapshot(model) now and then, so the Professor can draw your progress.
    snapshot(model)
    return model.state_dict()
