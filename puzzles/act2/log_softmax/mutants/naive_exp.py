import torch


def log_softmax(x, dim=-1):
    return (x.exp() / x.exp().sum(dim=dim, keepdim=True)).log()
