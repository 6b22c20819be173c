import torch

from game.engine.checks import Case, Check, bools, ints, tensor_exam


def nonzero_ints(g, i):
    """Values in [-5, 5] without 0, so a value left in the wrong place cannot hide."""
    v = ints(g, (i,), 1, 5)
    return torch.where(bools(g, (i,)), v, -v)


def cases(g):
    yield Case("example: [T, F, T, T]", torch.tensor([True, False, True, True]),
               torch.tensor([4, 5, -1, 2]), 4, example=True)
    yield Case("example: all False", torch.tensor([False, False]), torch.tensor([3, 1]), 2,
               example=True)
    for i in range(1, 11):
        for r in range(3):
            yield Case(f"random i = {i} (#{r + 1})", bools(g, (i,)), nonzero_ints(g, i), i)
        yield Case(f"random values with zeros, i = {i}", bools(g, (i,)), ints(g, (i,)), i)
    for i in (1, 3, 8):
        yield Case(f"all False, i = {i}", torch.zeros(i, dtype=torch.bool), nonzero_ints(g, i), i)
        yield Case(f"all True, i = {i}", torch.ones(i, dtype=torch.bool), nonzero_ints(g, i), i)
    only_last = torch.tensor([False] * 5 + [True])
    yield Case("only the last survives", only_last, nonzero_ints(g, 6), 6)
    yield Case("only the first survives", only_last.flip(0), nonzero_ints(g, 6), 6)
    # A survivor whose value is 0 still takes its slot: packing by `v != 0` instead of by `g`
    # moves the next survivor into it.
    yield Case("a surviving 0 before another survivor", torch.tensor([True, True, False, True]),
               torch.tensor([0, 3, 2, -4]), 4)


# `arange` makes CPU tensors, and CUDA has no int64 `@` (pytorch/pytorch#44428): the exam
# runs on the CPU whatever the device.
CHECK = Check(reference=tensor_exam.compress, cases=cases, exact=True,
              inject=tensor_exam.injected("compress"), inputs_on_device=False)
