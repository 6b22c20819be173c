import torch

from game.engine.checks import Case, Check, ints, tensor_exam


def cases(g):
    yield Case("example: [[7]]", torch.tensor([[7]]), example=True)
    yield Case("example: 3 x 3", torch.tensor([[1, 2, 3], [4, 5, -6], [0, -1, 2]]), example=True)
    for i in range(1, 13):
        for r in range(2):
            yield Case(f"random i = {i} (#{r + 1})", ints(g, (i, i)))
    yield Case("only the diagonal is non-zero", torch.tensor([[0, 0, 0], [0, 4, 0], [0, 0, -3]]))


# `arange` makes CPU tensors, and CUDA has no int64 `@` (pytorch/pytorch#44428): the exam
# runs on the CPU whatever the device.
CHECK = Check(reference=tensor_exam.diag, cases=cases, exact=True,
              inject=tensor_exam.injected("diag"), inputs_on_device=False)
