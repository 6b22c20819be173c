"""finale.mha: multi-head self-attention with a key padding mask, judged against
torch.nn.functional.scaled_dot_product_attention (computed in float64)."""

import torch
import torch.nn.functional as F

from game.engine.checks import Case, Check, floats


def reference(x, w_qkv, w_out, n_heads, pad_mask):
    b, t, d = x.shape
    xd, wq, wo = x.double(), w_qkv.double(), w_out.double()
    q, k, v = (z.reshape(b, t, n_heads, d // n_heads).transpose(1, 2)
               for z in (xd @ wq.T).split(d, -1))
    y = F.scaled_dot_product_attention(q, k, v, attn_mask=pad_mask[:, None, None, :])
    return (y.transpose(1, 2).reshape(b, t, d) @ wo.T).to(x.dtype)


def lengths_mask(lengths, t):
    return torch.arange(t)[None, :] < torch.tensor(lengths)[:, None]


def random_mask(g, b, t):
    mask = torch.rand(b, t, generator=g) < 0.6
    mask[torch.arange(b), torch.randint(0, t, (b,), generator=g)] = True  # one real token
    return mask


def weights(g, d, dtype=torch.float32):
    return (floats(g, (3 * d, d), dtype, d ** -0.5), floats(g, (d, d), dtype, d ** -0.5))


def cases(g):
    yield Case("example: batch 2 = heads 2, padded ends", floats(g, (2, 5, 8)), *weights(g, 8),
               2, lengths_mask([5, 3], 5), example=True,
               note="batch size equals the number of heads here: a mask or a reshape that "
                    "mixes the two dims still has the right shape")
    yield Case("example: 3 sequences, 2 heads, no padding", floats(g, (3, 4, 8)),
               *weights(g, 8), 2, torch.ones(3, 4, dtype=torch.bool), example=True)
    yield Case("4 sequences, 4 heads, random padding", floats(g, (4, 6, 16)), *weights(g, 16),
               4, random_mask(g, 4, 6))
    yield Case("2 sequences, 4 heads", floats(g, (2, 7, 16)), *weights(g, 16), 4,
               lengths_mask([7, 2], 7))
    yield Case("one head", floats(g, (3, 5, 6)), *weights(g, 6), 1, random_mask(g, 3, 5))
    yield Case("one token each", floats(g, (2, 1, 8)), *weights(g, 8), 2,
               torch.ones(2, 1, dtype=torch.bool))
    yield Case("float64", floats(g, (3, 6, 12), torch.float64), *weights(g, 12, torch.float64),
               3, random_mask(g, 3, 6))
    yield Case("large activations", floats(g, (2, 5, 8), scale=3.0), *weights(g, 8), 2,
               lengths_mask([2, 5], 5), rtol=1e-4, atol=1e-4,
               note="sharp softmax: the padding still gets no weight")
    yield Case("non-contiguous x (a transposed view)", floats(g, (6, 3, 8)).transpose(0, 1),
               *weights(g, 8), 4, random_mask(g, 3, 6))
    yield Case("no sequences", torch.zeros(0, 4, 8), *weights(g, 8), 2,
               torch.zeros(0, 4, dtype=torch.bool))


# float32 matmuls and softmax sum in another order than the float64 reference.
CHECK = Check(reference=reference, cases=cases, grad=True, rtol=1e-5, atol=1e-5)
