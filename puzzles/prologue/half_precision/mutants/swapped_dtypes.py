import torch


def round_trip(x):
    return x.to(torch.bfloat16).to(torch.float32), x.to(torch.float16).to(torch.float32)
