import torch
import torch.nn.functional as F
from torch import nn


def learn_sequentially(xa, ya, xb, yb, x_eval, seed):
    # "A tenfold smaller learning rate on B will be gentle with A."
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(2, 32), nn.ReLU(), nn.Linear(32, 32), nn.ReLU(),
                          nn.Linear(32, 4))
    for x, y, lr in ((xa, ya, 0.01), (xb, yb, 0.001)):
        opt = torch.optim.Adam(model.parameters(), lr=lr)
        for _ in range(150):
            opt.zero_grad()
            F.cross_entropy(model(x), y).backward()
            opt.step()
    with torch.no_grad():
        return model(x_eval).argmax(dim=1)
