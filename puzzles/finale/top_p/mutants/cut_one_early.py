import torch


def top_p_filter(logits: torch.Tensor, top_p: float, temperature: float = 1.0) -> torch.Tensor:
    logits = logits / temperature
    probs, order = logits.softmax(dim=-1).sort(dim=-1, descending=True)
    keep_sorted = probs.cumsum(dim=-1) <= top_p  # drops the token that crosses top_p
    keep = torch.zeros_like(keep_sorted).scatter(-1, order, keep_sorted)
    return logits.masked_fill(~keep, float("-inf"))
