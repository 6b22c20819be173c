import torch
def grad_of_loss(x, w, b, y):
    def loss(w):
        return ((torch.tanh(x @ w + b) - y) ** 2).mean()
    h = 1e-6
    out = torch.empty_like(w)
    for i in range(w.shape[0]):
        e = torch.zeros_like(w)
        e[i] = h
        out[i] = (loss(w + e) - loss(w - e)) / (2 * h)
    return out
