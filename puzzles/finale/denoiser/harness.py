"""Hands the returned state_dict back as a plain dict of tensors (a state_dict is an
OrderedDict, which does not travel) and says clearly when it is something else."""

from collections.abc import Mapping

import torch


def run(entry, data, seed):
    state = entry(data, seed)
    if not isinstance(state, Mapping):
        raise TypeError(f"train_denoiser must return model.state_dict(), not a "
                        f"{type(state).__name__}")
    return {k: v.detach().to("cpu", copy=True) if isinstance(v, torch.Tensor) else v
            for k, v in state.items()}
