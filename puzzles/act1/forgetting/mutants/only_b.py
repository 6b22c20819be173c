import torch
import torch.nn.functional as F
from torch import nn


def make_model() -> nn.Module:
    return nn.Sequential(nn.Linear(2, 32), nn.LeakyReLU(),
                         nn.Linear(32, 32), nn.LeakyReLU(),
                         nn.Linear(32, 4))


def learn_task_b(state, memory_x, memory_y, xb, yb, x_eval, seed):
    # "The newest data is all that matters": a fresh network, trained on B.
    torch.manual_seed(seed)
    model = make_model()
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    for _ in range(200):
        opt.zero_grad()
        F.cross_entropy(model(xb), yb).backward()
        opt.step()
    with torch.no_grad():
        return model(x_eval).argmax(dim=1)
