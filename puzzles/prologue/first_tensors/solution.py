import torch


def make_lab_tensors(n: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    counts = torch.zeros(n, dtype=torch.int64)
    eye = torch.eye(n)  # float32 is the default floating dtype
    mask = torch.ones(2, n, dtype=torch.bool)
    return counts, eye, mask
