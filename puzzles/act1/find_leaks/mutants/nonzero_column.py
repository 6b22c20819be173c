import torch


def find_leaks(train, test):
    seen = {tuple(img.flatten().tolist()) for img in torch.cat([train, train.flip(-1)])}
    flags = torch.tensor([tuple(img.flatten().tolist()) in seen for img in test])
    return flags.nonzero()
