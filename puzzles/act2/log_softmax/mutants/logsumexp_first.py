import torch


def log_softmax(x, dim=-1):
    m = x.amax(dim=dim, keepdim=True)
    lse = m + (x - m).exp().sum(dim=dim, keepdim=True).log()
    return x - lse
