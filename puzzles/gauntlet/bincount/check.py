import torch

from game.engine.checks import Case, Check, ints, tensor_exam


def cases(g):
    yield Case("example: [0, 2, 2, 1, 2]", torch.tensor([0, 2, 2, 1, 2]), 4, example=True)
    yield Case("example: [1]", torch.tensor([1]), 2, example=True)
    for i in range(1, 9):
        for j in range(1, 9):
            yield Case(f"random (i, j) = ({i}, {j})", ints(g, (i,), 0, j - 1), j)
    yield Case("every vote for the last", torch.full((7,), 4), 5)
    yield Case("every vote for the first", torch.zeros(6, dtype=torch.int64), 3)
    yield Case("(i, j) = (20, 12)", ints(g, (20,), 0, 11), 12)


# `arange` makes CPU tensors, and CUDA has no int64 `@` (pytorch/pytorch#44428): the exam
# runs on the CPU whatever the device.
CHECK = Check(reference=tensor_exam.bincount, cases=cases, exact=True,
              inject=tensor_exam.injected("bincount"), inputs_on_device=False)
