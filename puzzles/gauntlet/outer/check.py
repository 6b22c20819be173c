import torch

from game.engine.checks import Case, Check, ints, tensor_exam


def cases(g):
    yield Case("example: [1, 2] and [3, -1, 0]", torch.tensor([1, 2]), torch.tensor([3, -1, 0]),
               example=True)
    yield Case("example: [-2] and [1, 2]", torch.tensor([-2]), torch.tensor([1, 2]), example=True)
    for i in range(1, 9):
        for j in range(1, 9):
            yield Case(f"random (i, j) = ({i}, {j})", ints(g, (i,)), ints(g, (j,)))
    yield Case("(i, j) = (1, 12)", ints(g, (1,)), ints(g, (12,)))
    yield Case("(i, j) = (12, 1)", ints(g, (12,)), ints(g, (1,)))


# `arange` makes CPU tensors, and CUDA has no int64 `@` (pytorch/pytorch#44428): the exam
# runs on the CPU whatever the device.
CHECK = Check(reference=tensor_exam.outer, cases=cases, exact=True,
              inject=tensor_exam.injected("outer"), inputs_on_device=False)
