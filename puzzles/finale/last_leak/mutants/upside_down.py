import torch
import torch.nn.functional as F


def fingerprints(images: torch.Tensor) -> torch.Tensor:
    # 8x8 colour thumbnails: blind to resizing and noise; centred and scaled to unit length,
    # so the dot product of two of them is their cosine similarity, whatever the brightness.
    f = F.adaptive_avg_pool2d(images, 8).flatten(1)
    f = f - f.mean(dim=1, keepdim=True)
    return f / f.norm(dim=1, keepdim=True)


def find_near_duplicates(train: torch.Tensor, test: torch.Tensor) -> torch.Tensor:
    keys = fingerprints(train)
    mirrored = keys.view(-1, 3, 8, 8).flip(-2).flatten(1)   # a mirror's thumbnail, for free
    queries = fingerprints(test)
    best = torch.maximum((queries @ keys.T).amax(dim=1), (queries @ mirrored.T).amax(dim=1))
    return (best >= 0.9).nonzero().flatten()
