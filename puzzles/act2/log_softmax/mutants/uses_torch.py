import torch


def log_softmax(x, dim=-1):
    return torch.log_softmax(x, dim)
