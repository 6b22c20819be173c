import torch

from game.engine.checks import Case, Check, ints, tensor_exam


def cases(g):
    yield Case("example: [5, 2, 2, 7]", torch.tensor([5, 2, 2, 7]), 4, example=True)
    yield Case("example: [-1]", torch.tensor([-1]), 1, example=True)
    for i in range(1, 13):
        for r in range(2):
            yield Case(f"random i = {i} (#{r + 1})", ints(g, (i,)), i)
    yield Case("constant", torch.full((6,), 3), 6)
    yield Case("first and last differ", torch.tensor([-5, 0, 0, 5]), 4,
               note="out[0] is a[0] alone, never a[0] - a[-1]")
    yield Case("single non-zero", torch.tensor([4]), 1)


# `arange` makes CPU tensors, and CUDA has no int64 `@` (pytorch/pytorch#44428): the exam
# runs on the CPU whatever the device.
CHECK = Check(reference=tensor_exam.diff, cases=cases, exact=True,
              inject=tensor_exam.injected("diff"), inputs_on_device=False)
