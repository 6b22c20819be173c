import torch


def find_leaks(train, test):
    leaked = []
    for m in range(len(test)):
        for n in range(len(train)):
            if torch.equal(test[m], train[n]) or torch.equal(test[m], train[n].flip(-1)):
                leaked.append(m)
                break
    return torch.tensor(leaked, dtype=torch.int64)
