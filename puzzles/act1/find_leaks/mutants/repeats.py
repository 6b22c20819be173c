import torch


def hits(train, test):
    seen = {tuple(img.flatten().tolist()) for img in train}
    return [m for m, img in enumerate(test) if tuple(img.flatten().tolist()) in seen]


def find_leaks(train, test):
    # Copies, then mirror images; sorted, but an image found both ways is listed twice.
    leaked = hits(train, test) + hits(train.flip(-1), test)
    return torch.tensor(sorted(leaked), dtype=torch.int64)
