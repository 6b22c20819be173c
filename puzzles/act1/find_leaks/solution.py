import torch


def find_leaks(train: torch.Tensor, test: torch.Tensor) -> torch.Tensor:
    d = train[0].numel()
    # Every training image and its mirror image, one row each; the float32 bits read as int32,
    # so "equal" means bit for bit.
    keys = torch.cat([train, train.flip(-1)]).reshape(-1, d).view(torch.int32)
    queries = test.reshape(-1, d).view(torch.int32)
    # unique(dim=0) sorts the rows: equal rows get the same group number.
    _, group = torch.unique(torch.cat([keys, queries]), dim=0, return_inverse=True)
    leaked = torch.isin(group[len(keys):], group[: len(keys)])
    return leaked.nonzero().flatten()
