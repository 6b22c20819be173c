import torch


def largest_exact_integer(dtype):
    return int(1 / torch.finfo(dtype).eps)
