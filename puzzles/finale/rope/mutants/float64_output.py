import torch


def apply_rope(x, positions, base=10000.0):
    d = x.shape[-1]
    h = d // 2
    theta = base ** (-2 * torch.arange(h, dtype=torch.float64) / d)
    a = positions[:, None] * theta  # float64 angles, and so a float64 result
    x1, x2 = x[..., :h], x[..., h:]
    return torch.cat([x1 * a.cos() - x2 * a.sin(), x2 * a.cos() + x1 * a.sin()], dim=-1)
