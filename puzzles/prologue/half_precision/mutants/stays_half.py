import torch


def round_trip(x):
    return x.half(), x.bfloat16()
