import torch


def worker_init_fn(worker_id: int) -> None:
    # torch's generator is already seeded per worker; the dataset does not use it.
    torch.manual_seed(torch.initial_seed() + worker_id)
