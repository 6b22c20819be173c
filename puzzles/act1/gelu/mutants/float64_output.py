import math

import torch


def gelu(x):
    x64 = x.double()
    return 0.5 * x64 * (1 + torch.erf(x64 / math.sqrt(2)))
