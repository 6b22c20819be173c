import torch


def largest_exact_integer(dtype):
    n = 1
    while torch.tensor(n + 1, dtype=torch.float64).to(dtype).item() == n + 1:
        n *= 2
    return n + 1
