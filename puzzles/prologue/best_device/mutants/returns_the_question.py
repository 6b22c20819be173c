import torch


def best_device():
    return torch.cuda.is_available() or torch.backends.mps.is_available()
