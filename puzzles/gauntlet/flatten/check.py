import torch

from game.engine.checks import Case, Check, ints, tensor_exam


def cases(g):
    yield Case("example: 2 x 3", torch.tensor([[1, 2, 3], [4, 5, 6]]), 2, 3, example=True)
    yield Case("example: 2 x 1", torch.tensor([[-1], [2]]), 2, 1, example=True)
    for i in range(1, 9):
        for j in range(1, 9):
            yield Case(f"random (i, j) = ({i}, {j})", ints(g, (i, j)), i, j)
    for i, j in ((2, 5), (5, 2), (3, 3)):
        distinct = torch.arange(i * j).reshape(i, j) - (i * j) // 2
        yield Case(f"distinct values, (i, j) = ({i}, {j})", distinct, i, j)


# `arange` makes CPU tensors, and CUDA has no int64 `@` (pytorch/pytorch#44428): the exam
# runs on the CPU whatever the device.
CHECK = Check(reference=tensor_exam.flatten, cases=cases, exact=True,
              inject=tensor_exam.injected("flatten"), inputs_on_device=False)
