import numpy as np
import torch


def worker_init_fn(worker_id: int) -> None:
    # info.seed is the loader's base seed (new every epoch, drawn from its generator) plus
    # worker_id: different per worker, per epoch, and reproducible from g.manual_seed(s).
    info = torch.utils.data.get_worker_info()
    info.dataset.rng = np.random.default_rng(info.seed)
