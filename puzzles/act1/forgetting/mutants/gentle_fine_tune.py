import torch
import torch.nn.functional as F
from torch import nn


def make_model() -> nn.Module:
    return nn.Sequential(nn.Linear(2, 32), nn.LeakyReLU(),
                         nn.Linear(32, 32), nn.LeakyReLU(),
                         nn.Linear(32, 4))


def learn_task_b(state, memory_x, memory_y, xb, yb, x_eval, seed):
    # "A smaller learning rate on B will be gentle with A."
    torch.manual_seed(seed)
    model = make_model()
    model.load_state_dict(state)
    opt = torch.optim.Adam(model.parameters(), lr=0.003)
    for _ in range(200):
        opt.zero_grad()
        F.cross_entropy(model(xb), yb).backward()
        opt.step()
    with torch.no_grad():
        return model(x_eval).argmax(dim=1)
