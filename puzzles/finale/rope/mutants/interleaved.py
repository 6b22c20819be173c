import torch


def apply_rope(x, positions, base=10000.0):
    # The other convention: pairs (0, 1), (2, 3), ... interleaved.
    d = x.shape[-1]
    theta = base ** (-2 * torch.arange(d // 2, dtype=x.dtype) / d)
    a = positions.to(x.dtype)[:, None] * theta
    x1, x2 = x[..., 0::2], x[..., 1::2]
    out = torch.stack([x1 * a.cos() - x2 * a.sin(), x2 * a.cos() + x1 * a.sin()], dim=-1)
    return out.flatten(-2)
