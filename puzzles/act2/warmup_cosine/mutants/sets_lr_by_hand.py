import math


class Schedule:
    def __init__(self, optimizer, warmup_steps, total_steps, min_lr_ratio):
        self.opt, self.w, self.t, self.r = optimizer, warmup_steps, total_steps, min_lr_ratio
        self.base = [g["lr"] for g in optimizer.param_groups]
        self.s = 0
        self._apply()

    def _apply(self):
        s = self.s
        if s < self.w:
            f = (s + 1) / self.w
        else:
            p = min(1.0, (s - self.w) / (self.t - self.w))
            f = self.r + (1 - self.r) * 0.5 * (1 + math.cos(math.pi * p))
        for g, b in zip(self.opt.param_groups, self.base):
            g["lr"] = b * f

    def step(self):
        self.s += 1
        self._apply()


def warmup_cosine(optimizer, warmup_steps, total_steps, min_lr_ratio=0.0):
    return Schedule(optimizer, warmup_steps, total_steps, min_lr_ratio)
