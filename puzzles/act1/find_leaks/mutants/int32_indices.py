import torch


def find_leaks(train, test):
    seen = {tuple(img.flatten().tolist()) for img in torch.cat([train, train.flip(-1)])}
    leaked = [m for m, img in enumerate(test) if tuple(img.flatten().tolist()) in seen]
    return torch.tensor(leaked, dtype=torch.int32)
