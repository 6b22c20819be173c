import math

import torch


def gelu(x: torch.Tensor) -> torch.Tensor:
    # Weigh x by Φ(x), the standard normal CDF. torch.erf is your friend.
    return x
