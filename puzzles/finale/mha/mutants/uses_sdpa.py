import math

import torch


def multi_head_attention(x, w_qkv, w_out, n_heads, pad_mask):
    b, t, d = x.shape
    dh = d // n_heads
    q, k, v = (x @ w_qkv.T).split(d, dim=-1)
    q, k, v = (z.reshape(b, t, n_heads, dh).transpose(1, 2) for z in (q, k, v))  # (B, H, T, dh)
    y = torch.nn.functional.scaled_dot_product_attention(
        q, k, v, attn_mask=pad_mask[:, None, None, :])
    return y.transpose(1, 2).reshape(b, t, d) @ w_out.T
