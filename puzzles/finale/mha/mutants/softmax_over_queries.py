import math


def multi_head_attention(x, w_qkv, w_out, n_heads, pad_mask):
    b, t, d = x.shape
    dh = d // n_heads
    q, k, v = (x @ w_qkv.T).split(d, dim=-1)
    q, k, v = (z.reshape(b, t, n_heads, dh).transpose(1, 2) for z in (q, k, v))  # (B, H, T, dh)
    scores = q @ k.transpose(-2, -1) / math.sqrt(dh)                              # (B, H, T, T)
    scores = scores.masked_fill(~pad_mask[:, None, None, :], float("-inf"))       # mask keys
    y = scores.softmax(dim=-2) @ v
    return y.transpose(1, 2).reshape(b, t, d) @ w_out.T
