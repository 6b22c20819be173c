import torch


def log_softmax(x, dim=-1):
    m = x.amax(dim=dim, keepdim=True)
    shifted = x - m
    return shifted - shifted.exp().sum(dim=dim, keepdim=True).log().detach()
