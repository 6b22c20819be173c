import torch


def round_trip(x):
    return x.half().float(), x.to(torch.float32)
