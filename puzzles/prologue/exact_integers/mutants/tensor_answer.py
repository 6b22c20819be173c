import torch


def largest_exact_integer(dtype):
    return torch.tensor(2 / torch.finfo(dtype).eps, dtype=torch.int64)
