import torch


def root_or_zero(x):
    # The square root still sees 0, where its slope is infinite.
    return x.clamp(min=0).sqrt()
