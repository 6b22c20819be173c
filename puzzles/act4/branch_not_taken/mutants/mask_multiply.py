import torch


def root_or_zero(x):
    return x.abs().sqrt() * (x > 0)
