import torch

from game.engine.checks import Case, Check, ints, tensor_exam


def cases(g):
    yield Case("example: [5, -2, 3, 1] into 3", torch.tensor([5, -2, 3, 1]),
               torch.tensor([0, 2, 0, 1]), 3, example=True)
    yield Case("example: [4] into slot 2 of 4", torch.tensor([4]), torch.tensor([2]), 4,
               example=True)
    for i in range(1, 9):
        for j in range(1, 9):
            yield Case(f"random (i, j) = ({i}, {j})", ints(g, (i,)), ints(g, (i,), 0, j - 1), j)
    yield Case("everything into one slot", ints(g, (6,)), torch.full((6,), 2), 4)
    yield Case("cancelling donations", torch.tensor([3, -3, 5]), torch.tensor([1, 1, 0]), 2)
    yield Case("(i, j) = (20, 12)", ints(g, (20,)), ints(g, (20,), 0, 11), 12)


# `arange` makes CPU tensors, and CUDA has no int64 `@` (pytorch/pytorch#44428): the exam
# runs on the CPU whatever the device.
CHECK = Check(reference=tensor_exam.scatter_add, cases=cases, exact=True,
              inject=tensor_exam.injected("scatter_add"), inputs_on_device=False)
