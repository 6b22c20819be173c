import torch


def find_leaks(train, test):
    # "Close enough is equal": distances for the candidates, allclose to confirm.
    both = torch.cat([train, train.flip(-1)]).flatten(1).double()
    queries = test.flatten(1).double()
    dist = torch.cdist(queries, both)
    leaked = []
    for m in range(len(queries)):
        for k in (dist[m] < 1e-3).nonzero().flatten().tolist():
            if torch.allclose(queries[m], both[k]):
                leaked.append(m)
                break
    return torch.tensor(leaked, dtype=torch.int64)
