import torch


def hits(train, test):
    seen = {tuple(img.flatten().tolist()) for img in train}
    return [m for m, img in enumerate(test) if tuple(img.flatten().tolist()) in seen]


def find_leaks(train, test):
    # Copies first, then the mirror images that were not copies.
    copies = hits(train, test)
    mirrored = [m for m in hits(train.flip(-1), test) if m not in copies]
    return torch.tensor(copies + mirrored, dtype=torch.int64)
