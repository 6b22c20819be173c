import torch
import torch.nn.functional as F
from torch import nn


def make_model() -> nn.Module:
    return nn.Sequential(nn.Linear(2, 32), nn.LeakyReLU(),
                         nn.Linear(32, 32), nn.LeakyReLU(),
                         nn.Linear(32, 4))


def learn_task_b(state, memory_x, memory_y, xb, yb, x_eval, seed):
    # Elastic weight consolidation: anchor the weights that mattered for A, with their
    # importance (the diagonal Fisher information) estimated on the remembered samples.
    # Monday's network is so confident that this importance is ~1e-12..1e-8 everywhere: the
    # penalty weighs nothing and task A is forgotten exactly as without it.
    torch.manual_seed(seed)
    model = make_model()
    model.load_state_dict(state)
    params = list(model.parameters())
    fisher = [torch.zeros_like(p) for p in params]
    for i in range(len(memory_x)):
        loss = F.cross_entropy(model(memory_x[i:i + 1]), memory_y[i:i + 1])
        for f, gr in zip(fisher, torch.autograd.grad(loss, params)):
            f += gr.pow(2) / len(memory_x)
    anchor = [p.detach().clone() for p in params]
    opt = torch.optim.Adam(params, lr=0.01)
    for _ in range(200):
        opt.zero_grad()
        penalty = sum((f * (p - a).pow(2)).sum() for f, p, a in zip(fisher, params, anchor))
        (F.cross_entropy(model(xb), yb) + 1000.0 * penalty).backward()
        opt.step()
    with torch.no_grad():
        return model(x_eval).argmax(dim=1)
