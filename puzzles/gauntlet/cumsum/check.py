import torch

from game.engine.checks import Case, Check, ints, tensor_exam


def cases(g):
    yield Case("example: [1, 2, 3]", torch.tensor([1, 2, 3]), example=True)
    yield Case("example: [4, -4, 2, -1]", torch.tensor([4, -4, 2, -1]), example=True)
    for i in range(1, 13):
        for r in range(2):
            yield Case(f"random i = {i} (#{r + 1})", ints(g, (i,)))
    yield Case("alternating 5, -5", torch.tensor([5, -5, 5, -5, 5, -5, 5]))
    yield Case("zeros", torch.zeros(6, dtype=torch.int64))
    yield Case("random i = 40", ints(g, (40,)))


# `arange` makes CPU tensors, and CUDA has no int64 `@` (pytorch/pytorch#44428): the exam
# runs on the CPU whatever the device.
CHECK = Check(reference=tensor_exam.cumsum, cases=cases, exact=True,
              inject=tensor_exam.injected("cumsum"), inputs_on_device=False)
