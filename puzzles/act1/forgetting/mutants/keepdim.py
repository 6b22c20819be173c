import torch
import torch.nn.functional as F
from torch import nn


def learn_sequentially(xa, ya, xb, yb, x_eval, seed):
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(2, 32), nn.LeakyReLU(), nn.Linear(32, 32), nn.LeakyReLU(),
                          nn.Linear(32, 4))
    memory = torch.randperm(len(xa))[:20]
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    for x, y in ((xa, ya), (torch.cat([xb, xa[memory]]), torch.cat([yb, ya[memory]]))):
        for _ in range(100 if x is xa else 200):
            opt.zero_grad()
            F.cross_entropy(model(x), y).backward()
            opt.step()
    with torch.no_grad():
        return model(x_eval).argmax(dim=1, keepdim=True)
