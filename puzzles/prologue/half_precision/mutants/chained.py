import torch


def round_trip(x):
    half = x.half()
    return half.float(), half.bfloat16().float()
