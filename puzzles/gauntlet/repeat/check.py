import torch

from game.engine.checks import Case, Check, ints, tensor_exam


def cases(g):
    yield Case("example: [1, 2, 3] twice", torch.tensor([1, 2, 3]), torch.tensor([2]),
               example=True)
    yield Case("example: [-4] three times", torch.tensor([-4]), torch.tensor([3]), example=True)
    for i in range(1, 9):
        for d in range(1, 9):
            yield Case(f"random i = {i}, d = {d}", ints(g, (i,)), torch.tensor([d]))
    yield Case("d = 1, i = 12", ints(g, (12,)), torch.tensor([1]))
    yield Case("d = 12, i = 3", ints(g, (3,)), torch.tensor([12]))


# `arange` makes CPU tensors, and CUDA has no int64 `@` (pytorch/pytorch#44428): the exam
# runs on the CPU whatever the device.
CHECK = Check(reference=tensor_exam.repeat, cases=cases, exact=True,
              inject=tensor_exam.injected("repeat"), inputs_on_device=False)
