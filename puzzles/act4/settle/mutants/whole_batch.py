import torch


def settle(x, w, tol, max_steps):
    # Stops when the slowest sample settles: the others keep stepping.
    h = torch.zeros_like(x)
    for t in range(1, max_steps + 1):
        new = torch.tanh(x + h @ w)
        done = bool(((new - h).abs().amax(dim=1) < tol).all()) if len(x) else True
        h = new
        if done:
            break
    return h, torch.full((x.shape[0],), t, dtype=torch.int64)
