import torch


def largest_exact_integer(dtype: torch.dtype) -> int:
    # The largest N such that every integer 0, 1, ..., N survives a trip through `dtype`.
    # torch.finfo(dtype) knows a lot about the dtype; or experiment with tensors.
    return int(torch.finfo(dtype).max)
