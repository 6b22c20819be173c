import torch


def find_leaks(train: torch.Tensor, test: torch.Tensor) -> torch.Tensor:
    # train: (N, C, H, W), test: (M, C, H, W), both float32.
    # Return the sorted int64 indices m where test[m] equals, bit for bit, some train[n]
    # or some train[n] mirrored left-right (train[n].flip(-1)).
    leaked = []
    return torch.tensor(leaked, dtype=torch.int64)
