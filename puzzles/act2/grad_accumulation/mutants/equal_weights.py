import math

import torch
import torch.nn.functional as F
from torch import nn


def accumulate_step(model: nn.Module, optimizer: torch.optim.Optimizer, x: torch.Tensor,
                    y: torch.Tensor, micro_batch: int) -> None:
    optimizer.zero_grad()
    n = len(x)
    for xs, ys in zip(x.split(micro_batch), y.split(micro_batch), strict=True):
        loss = F.cross_entropy(model(xs), ys) / math.ceil(n / micro_batch)
        loss.backward()
    optimizer.step()
