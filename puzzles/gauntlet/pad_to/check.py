import torch

from game.engine.checks import Case, Check, ints, tensor_exam


def cases(g):
    yield Case("example: pad [1, 2, 3] to 5", torch.tensor([1, 2, 3]), 3, 5, example=True)
    yield Case("example: cut [4, -1, 6] to 2", torch.tensor([4, -1, 6]), 3, 2, example=True)
    for i in range(1, 9):
        for j in range(1, 9):
            yield Case(f"random (i, j) = ({i}, {j})", ints(g, (i,)), i, j)
    for i, j in ((1, 12), (12, 1), (12, 12)):
        yield Case(f"(i, j) = ({i}, {j})", ints(g, (i,)), i, j)


# `arange` makes CPU tensors, and CUDA has no int64 `@` (pytorch/pytorch#44428): the exam
# runs on the CPU whatever the device.
CHECK = Check(reference=tensor_exam.pad_to, cases=cases, exact=True,
              inject=tensor_exam.injected("pad_to"), inputs_on_device=False)
