import torch


def apply_rope(x: torch.Tensor, positions: torch.Tensor, base: float = 10000.0) -> torch.Tensor:
    d = x.shape[-1]
    h = d // 2
    theta = base ** (-2 * torch.arange(h, dtype=x.dtype, device=x.device) / d)
    angles = positions.to(x.dtype)[:, None] * theta          # (N, h)
    cos, sin = angles.cos(), angles.sin()
    x1, x2 = x[..., :h], x[..., h:]
    return torch.cat([x1 * cos - x2 * sin, x2 * cos + x1 * sin], dim=-1)
