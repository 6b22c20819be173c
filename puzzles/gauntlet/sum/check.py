import torch

from game.engine.checks import Case, Check, ints, tensor_exam


def cases(g):
    yield Case("example: a = [3]", torch.tensor([3]), example=True)
    yield Case("example: a = [1, -2, 4, 0]", torch.tensor([1, -2, 4, 0]), example=True)
    for i in range(1, 13):
        for r in range(2):
            yield Case(f"random i = {i} (#{r + 1})", ints(g, (i,)))
    yield Case("all -5", torch.full((8,), -5))
    yield Case("all 5", torch.full((8,), 5))
    yield Case("zeros", torch.zeros(5, dtype=torch.int64))
    yield Case("cancels to zero", torch.tensor([5, -2, -3]))
    yield Case("random i = 64", ints(g, (64,)))


# `arange` makes CPU tensors, and CUDA has no int64 `@` (pytorch/pytorch#44428): the exam
# runs on the CPU whatever the device.
CHECK = Check(reference=tensor_exam.sum, cases=cases, exact=True,
              inject=tensor_exam.injected("sum"), inputs_on_device=False)
