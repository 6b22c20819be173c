import torch
import torch.nn.functional as F


def find_near_duplicates(train: torch.Tensor, test: torch.Tensor) -> torch.Tensor:
    # Act I's method: bit-for-bit copies only. Hammer has learnt to resize his leaks.
    keys = torch.cat([train, train.flip(-1)]).flatten(1)
    queries = test.flatten(1)
    equal = (queries[:, None, :] == keys[None, :, :]).all(dim=2)
    return equal.any(dim=1).nonzero().flatten()
