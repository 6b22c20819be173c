import torch


def run_row(row: torch.Tensor, w: torch.Tensor, tol: float, max_steps: int):
    h = torch.zeros_like(row)
    for t in range(1, max_steps + 1):
        new = torch.tanh(row + h @ w)
        if (new - h).abs().max() < tol:  # an ordinary Python if, decided by this row's data
            return new, t
        h = new
    return h, max_steps


def settle(x: torch.Tensor, w: torch.Tensor, tol: float, max_steps: int):
    runs = [run_row(row, w, tol, max_steps) for row in x]
    h = torch.stack([h for h, _ in runs]) if runs else torch.zeros_like(x)
    return h, torch.tensor([t for _, t in runs], dtype=torch.int64)
