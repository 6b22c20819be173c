import torch


def newton_solve(x):
    with torch.no_grad():
        y = torch.sign(x) * torch.minimum(x.abs(), x.abs().pow(1 / 3))
        for _ in range(30):
            y = y - (y * y * y + y - x) / (3 * y * y + 1)
    return y


class CubicSolve(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return newton_solve(x)

    @staticmethod
    def backward(ctx, grad_y):
        (x,) = ctx.saved_tensors
        return grad_y / (3 * x * x + 1)


def solve_cubic(x):
    return CubicSolve.apply(x)
