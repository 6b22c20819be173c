import torch


def newton_solve(x: torch.Tensor) -> torch.Tensor:
    """Victor's solver: y with y**3 + y == x, by Newton's method. Autograd cannot see it."""
    with torch.no_grad():
        y = torch.sign(x) * torch.minimum(x.abs(), x.abs().pow(1 / 3))
        for _ in range(30):
            y = y - (y * y * y + y - x) / (3 * y * y + 1)
    return y


class CubicSolve(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return newton_solve(x)

    @staticmethod
    def backward(ctx, grad_y):
        raise NotImplementedError("what is dy/dx?")


def solve_cubic(x: torch.Tensor) -> torch.Tensor:
    return CubicSolve.apply(x)
