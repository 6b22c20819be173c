import torch


def grad_of_loss(x, w, b, y):
    a = torch.tanh(x @ w + b)
    return x.T @ ((a - y) * (1 - a * a)) / y.shape[0]
