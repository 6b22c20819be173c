import torch


def make_lab_tensors(n: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    # counts: int64, shape (n,), all zeros
    # eye:    float32, shape (n, n), the identity matrix
    # mask:   bool, shape (2, n), all True
    counts = torch.zeros(n)
    eye = torch.zeros(n, n)
    mask = torch.zeros(2, n)
    return counts, eye, mask
