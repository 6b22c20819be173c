import torch


def largest_exact_integer(dtype):
    return 2 / torch.finfo(dtype).eps
