import torch

from game.engine.checks import Case, Check, ints, tensor_exam


def cases(g):
    yield Case("example: [1, 2, 3] over [4, -5, 0]", torch.tensor([1, 2, 3]),
               torch.tensor([4, -5, 0]), example=True)
    yield Case("example: [7] over [-7]", torch.tensor([7]), torch.tensor([-7]), example=True)
    for i in range(1, 13):
        for r in range(2):
            yield Case(f"random i = {i} (#{r + 1})", ints(g, (i,)), ints(g, (i,)))
    same = ints(g, (5,))
    yield Case("a equals b", same, same.clone())


# `arange` makes CPU tensors, and CUDA has no int64 `@` (pytorch/pytorch#44428): the exam
# runs on the CPU whatever the device.
CHECK = Check(reference=tensor_exam.vstack, cases=cases, exact=True,
              inject=tensor_exam.injected("vstack"), inputs_on_device=False)
