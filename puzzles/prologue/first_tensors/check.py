import torch

from game.engine.checks import Case, Check, sizes


def reference(n):
    counts = torch.zeros(n, dtype=torch.int64)
    eye = torch.eye(n, dtype=torch.float32)
    mask = torch.ones(2, n, dtype=torch.bool)
    return counts, eye, mask


def cases(g):
    yield Case("example: n = 3", 3, example=True)
    yield Case("n = 1", 1, note="a (1,) vector is not a 0-d scalar, and (1, 1) is still a matrix")
    yield Case("n = 0: empty specimens", 0,
               note="shapes (0,), (0, 0) and (2, 0); torch.tensor([]) has no values to infer "
                    "a dtype from and gives float32, so pass dtype= explicitly")
    for _ in range(3):
        n = sizes(g, 2, 9)
        yield Case(f"n = {n}", n)
    yield Case("n = 64", 64)


CHECK = Check(reference=reference, cases=cases, exact=True, inputs_on_device=False)
