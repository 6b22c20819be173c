import torch


def find_leaks(train, test):
    seen = {tuple(img.flatten().tolist()) for img in train}
    leaked = [m for m, img in enumerate(test) if tuple(img.flatten().tolist()) in seen]
    return torch.tensor(leaked, dtype=torch.int64)
