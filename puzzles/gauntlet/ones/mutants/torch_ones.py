def ones(i: int):
    return torch.ones(i, dtype=torch.int64)
