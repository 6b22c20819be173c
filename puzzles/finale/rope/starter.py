import torch


def apply_rope(x: torch.Tensor, positions: torch.Tensor, base: float = 10000.0) -> torch.Tensor:
    # Pair channel i with channel i + D/2 and turn each pair by positions[n] * base ** (-2i/D).
    return x
