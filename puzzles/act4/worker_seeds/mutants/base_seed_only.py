import numpy as np
import torch


def worker_init_fn(worker_id: int) -> None:
    # The base seed is shared by all workers of an epoch.
    info = torch.utils.data.get_worker_info()
    info.dataset.rng = np.random.default_rng(info.seed - worker_id)
