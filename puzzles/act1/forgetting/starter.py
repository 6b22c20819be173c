import torch
import torch.nn.functional as F
from torch import nn


def make_model() -> nn.Module:
    return nn.Sequential(nn.Linear(2, 32), nn.LeakyReLU(),
                         nn.Linear(32, 32), nn.LeakyReLU(),
                         nn.Linear(32, 4))


def fit(model: nn.Module, x: torch.Tensor, y: torch.Tensor, steps: int) -> None:
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    for _ in range(steps):
        opt.zero_grad()
        F.cross_entropy(model(x), y).backward()
        opt.step()


def learn_task_b(state, memory_x, memory_y, xb, yb, x_eval, seed):
    torch.manual_seed(seed)
    model = make_model()
    model.load_state_dict(state)  # Monday's network: it knows task A (classes 0 and 1).
    fit(model, xb, yb, steps=200)  # Tuesday: task B (classes 2 and 3) ... and A is forgotten.
    # Victor kept 20 samples of task A in his pocket (memory_x, memory_y): let them speak up.
    with torch.no_grad():
        return model(x_eval).argmax(dim=1)
