import torch


def make_lab_tensors(n):
    counts = torch.zeros(n)
    eye = torch.eye(n)
    mask = torch.ones(2, n, dtype=torch.bool)
    return counts, eye, mask
