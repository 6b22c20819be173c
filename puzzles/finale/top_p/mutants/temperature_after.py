import torch


def top_p_filter(logits: torch.Tensor, top_p: float, temperature: float = 1.0) -> torch.Tensor:
    probs, order = logits.softmax(dim=-1).sort(dim=-1, descending=True)
    before = probs.cumsum(dim=-1) - probs      # mass of the tokens ranked above each one
    keep_sorted = before < top_p               # the first token always has 0 before it
    keep = torch.zeros_like(keep_sorted).scatter(-1, order, keep_sorted)
    return (logits / temperature).masked_fill(~keep, float("-inf"))
