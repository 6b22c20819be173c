import numpy as np


def worker_init_fn(worker_id: int) -> None:
    # Seeds numpy's global generator, which the dataset never uses.
    np.random.seed(worker_id)
