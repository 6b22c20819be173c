import torch
import torch.nn.functional as F
from torch import nn


def learn_sequentially(xa, ya, xb, yb, x_eval, seed):
    # "A smaller learning rate on B will be gentle with A."
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(2, 32), nn.LeakyReLU(), nn.Linear(32, 32), nn.LeakyReLU(),
                          nn.Linear(32, 4))
    for x, y, lr, steps in ((xa, ya, 0.01, 100), (xb, yb, 0.003, 200)):
        opt = torch.optim.Adam(model.parameters(), lr=lr)
        for _ in range(steps):
            opt.zero_grad()
            F.cross_entropy(model(x), y).backward()
            opt.step()
    with torch.no_grad():
        return model(x_eval).argmax(dim=1)
