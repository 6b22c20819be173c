import torch

from game.engine.checks import Case, Check, ints, tensor_exam


def cases(g):
    yield Case("example: [-3, 0, 2, 0]", torch.tensor([-3, 0, 2, 0]), torch.tensor([7, 7, 7, -1]),
               example=True)
    yield Case("example: [0]", torch.tensor([0]), torch.tensor([5]), example=True)
    for i in range(1, 13):
        for r in range(2):
            yield Case(f"random i = {i} (#{r + 1})", ints(g, (i,), -2, 2), ints(g, (i,)))
    yield Case("a all zero", torch.zeros(6, dtype=torch.int64), ints(g, (6,)))
    yield Case("no zeros in a", torch.tensor([-5, -1, 1, 5, 3, -2]), ints(g, (6,)))
    yield Case("b all zero", ints(g, (8,), -2, 2), torch.zeros(8, dtype=torch.int64))
    yield Case("random wide values", ints(g, (10,)), ints(g, (10,)))


# `arange` makes CPU tensors, and CUDA has no int64 `@` (pytorch/pytorch#44428): the exam
# runs on the CPU whatever the device.
CHECK = Check(reference=tensor_exam.heaviside, cases=cases, exact=True,
              inject=tensor_exam.injected("heaviside"), inputs_on_device=False)
