import torch

from game.engine.checks import Case, Check, ints, tensor_exam


def cases(g):
    yield Case("example: lengths [2, 0]", torch.tensor([[1, 2, 3], [4, 5, 6]]),
               torch.tensor([2, 0]), example=True)
    yield Case("example: full length", torch.tensor([[-1, 7]]), torch.tensor([2]), example=True)
    for i in range(1, 9):
        for j in range(1, 9):
            yield Case(f"random (i, j) = ({i}, {j})", ints(g, (i, j)), ints(g, (i,), 0, j))
    nonzero = ints(g, (4, 5), 1, 5)
    yield Case("all lengths 0", nonzero, torch.zeros(4, dtype=torch.int64),
               note="every value is padding")
    yield Case("all lengths j", nonzero.clone(), torch.full((4,), 5))
    yield Case("every length from 0 to j", ints(g, (6, 5), 1, 5), torch.arange(6))


# `arange` makes CPU tensors, and CUDA has no int64 `@` (pytorch/pytorch#44428): the exam
# runs on the CPU whatever the device.
CHECK = Check(reference=tensor_exam.sequence_mask, cases=cases, exact=True,
              inject=tensor_exam.injected("sequence_mask"), inputs_on_device=False)
