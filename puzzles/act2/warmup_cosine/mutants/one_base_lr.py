import math

from torch.optim.lr_scheduler import LRScheduler


class WarmupCosine(LRScheduler):
    def __init__(self, optimizer, warmup_steps, total_steps, min_lr_ratio):
        self.w, self.t, self.r = warmup_steps, total_steps, min_lr_ratio
        super().__init__(optimizer)

    def get_lr(self):
        s = self.last_epoch
        if s < self.w:
            f = (s + 1) / self.w
        else:
            p = min(1.0, (s - self.w) / (self.t - self.w))
            f = self.r + (1 - self.r) * 0.5 * (1 + math.cos(math.pi * p))
        return [self.base_lrs[0] * f for _ in self.optimizer.param_groups]


def warmup_cosine(optimizer, warmup_steps, total_steps, min_lr_ratio=0.0):
    return WarmupCosine(optimizer, warmup_steps, total_steps, min_lr_ratio)
