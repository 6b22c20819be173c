import numpy as np
import torch


def worker_init_fn(worker_id: int) -> None:
    info = torch.utils.data.get_worker_info()
    info.dataset.rng = np.random.default_rng()
