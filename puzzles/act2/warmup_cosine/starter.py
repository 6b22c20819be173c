import math

import torch
from torch.optim.lr_scheduler import LambdaLR


def warmup_cosine(optimizer: torch.optim.Optimizer, warmup_steps: int, total_steps: int,
                  min_lr_ratio: float = 0.0) -> LambdaLR:
    # LambdaLR multiplies each group's starting lr by factor(step). Right now: a flat line.
    def factor(step: int) -> float:
        return 1.0

    return LambdaLR(optimizer, factor)
