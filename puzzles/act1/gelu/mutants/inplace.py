import math

import torch


def gelu(x):
    x.mul_(0.5 * (1 + torch.erf(x / math.sqrt(2))))
    return x
