"""Child side of act4.worker_seeds: the dataset, the loader and the epochs, with the player's
worker_init_fn. Batches cross from the workers as plain Python lists (pickled through the
worker's pipe), so no tensor needs shared memory on the way back."""

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset, get_worker_info


class JitteredSamples(Dataset):
    """Sample i with its augmentation noise, drawn from the dataset's own Generator."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.rng = np.random.default_rng(0)

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, i: int) -> tuple[int, float]:
        return i, float(self.rng.normal())


def collate(batch: list[tuple[int, float]]) -> tuple[list[int], list[float], int]:
    info = get_worker_info()
    return [i for i, _ in batch], [v for _, v in batch], -1 if info is None else info.id


def one_run(entry, seed: int, n: int, batch_size: int, workers: int, epochs: int):
    g = torch.Generator()
    g.manual_seed(seed)
    loader = DataLoader(JitteredSamples(n), batch_size=batch_size, num_workers=workers,
                        worker_init_fn=entry, generator=g, collate_fn=collate)
    noise = torch.zeros(epochs, n, dtype=torch.float64)
    worker = torch.full((epochs, n), -1, dtype=torch.int64)
    for epoch in range(epochs):
        for ids, values, wid in loader:
            noise[epoch, ids] = torch.tensor(values, dtype=torch.float64)
            worker[epoch, ids] = wid
    return noise, worker


def run(entry, config):
    first = one_run(entry, **config)
    again = one_run(entry, **config)
    return first[0], again[0], first[1]
