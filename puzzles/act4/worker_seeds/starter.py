import numpy as np
import torch


def worker_init_fn(worker_id: int) -> None:
    # Every worker starts with a copy of dataset.rng in the same state...
    pass
