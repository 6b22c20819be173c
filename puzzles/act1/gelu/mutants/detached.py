import math

import torch


def gelu(x):
    return (0.5 * x * (1 + torch.erf(x / math.sqrt(2)))).detach()
