import torch


def log_softmax(x, dim=-1):
    return x.softmax(dim).log()
