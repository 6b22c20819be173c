import torch
import torch.nn.functional as F
from torch import nn


def learn_sequentially(xa, ya, xb, yb, x_eval, seed):
    # Elastic weight consolidation: anchor the weights that mattered for A.
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(2, 32), nn.LeakyReLU(), nn.Linear(32, 32), nn.LeakyReLU(),
                          nn.Linear(32, 4))
    params = list(model.parameters())
    opt = torch.optim.Adam(params, lr=0.01)
    for _ in range(100):
        opt.zero_grad()
        F.cross_entropy(model(xa), ya).backward()
        opt.step()
    fisher = [torch.zeros_like(p) for p in params]
    for i in range(len(xa)):
        grads = torch.autograd.grad(F.cross_entropy(model(xa[i:i + 1]), ya[i:i + 1]), params)
        for f, gr in zip(fisher, grads):
            f += gr.pow(2) / len(xa)
    anchor = [p.detach().clone() for p in params]
    opt = torch.optim.Adam(params, lr=0.01)
    for _ in range(200):
        opt.zero_grad()
        penalty = sum((f * (p - a).pow(2)).sum() for f, p, a in zip(fisher, params, anchor))
        (F.cross_entropy(model(xb), yb) + 1000.0 * penalty).backward()
        opt.step()
    with torch.no_grad():
        return model(x_eval).argmax(dim=1)
