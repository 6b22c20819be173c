import torch


def newton_solve(x):
    with torch.no_grad():
        y = torch.sign(x) * torch.minimum(x.abs(), x.abs().pow(1 / 3))
        for _ in range(30):
            y = y - (y * y * y + y - x) / (3 * y * y + 1)
    return y


def solve_cubic(x):
    return newton_solve(x)
