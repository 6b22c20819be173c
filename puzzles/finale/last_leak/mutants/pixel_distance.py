import torch


def find_near_duplicates(train: torch.Tensor, test: torch.Tensor) -> torch.Tensor:
    # Close in raw pixels: a small mean squared difference to an image or its mirror.
    q = test.flatten(1)
    best = torch.full((len(test),), float("inf"))
    for keys in (train.flatten(1), train.flip(-1).flatten(1)):
        best = torch.minimum(best, torch.cdist(q, keys).amin(dim=1) ** 2 / q.shape[1])
    return (best < 0.002).nonzero().flatten()
