import torch

from game.engine.checks import Case, Check, ints, tensor_exam


def cases(g):
    yield Case("example: [1, 2, 3, 4]", torch.tensor([1, 2, 3, 4]), 4, example=True)
    yield Case("example: [0, -5]", torch.tensor([0, -5]), 2, example=True)
    for i in range(1, 13):
        yield Case(f"random i = {i}", ints(g, (i,)), i)
        if i <= 11:
            yield Case(f"distinct values, i = {i}", torch.arange(i) - i // 2, i)
    yield Case("palindrome", torch.tensor([2, -1, 4, -1, 2]), 5)


# `arange` makes CPU tensors, and CUDA has no int64 `@` (pytorch/pytorch#44428): the exam
# runs on the CPU whatever the device.
CHECK = Check(reference=tensor_exam.flip, cases=cases, exact=True,
              inject=tensor_exam.injected("flip"), inputs_on_device=False)
