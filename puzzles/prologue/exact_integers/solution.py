import torch


def largest_exact_integer(dtype: torch.dtype) -> int:
    # eps is the gap between 1 and the next number: 2**(1 - p) for p bits of precision.
    # Every integer up to 2**p = 2 / eps fits; 2**p + 1 needs one bit more.
    return int(2 / torch.finfo(dtype).eps)
