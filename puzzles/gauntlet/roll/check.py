import torch

from game.engine.checks import Case, Check, ints, tensor_exam


def cases(g):
    yield Case("example: [1, 2, 3, 4]", torch.tensor([1, 2, 3, 4]), 4, example=True)
    yield Case("example: [9]", torch.tensor([9]), 1, example=True)
    for i in range(1, 13):
        yield Case(f"random i = {i}", ints(g, (i,)), i)
        if i <= 11:
            yield Case(f"distinct values, i = {i}", torch.arange(i) - i // 2, i)


# `arange` makes CPU tensors, and CUDA has no int64 `@` (pytorch/pytorch#44428): the exam
# runs on the CPU whatever the device.
CHECK = Check(reference=tensor_exam.roll, cases=cases, exact=True,
              inject=tensor_exam.injected("roll"), inputs_on_device=False)
