import torch


def grad_of_loss(x, w, b, y):
    w = w.detach().clone().requires_grad_(True)
    loss = ((torch.tanh(x @ w + b) - y) ** 2).mean()
    loss.backward()
    return w.grad
