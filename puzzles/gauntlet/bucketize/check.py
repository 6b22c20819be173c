import torch

from game.engine.checks import Case, Check, ints, tensor_exam


def sorted_ints(g, j):
    return ints(g, (j,)).sort().values


def cases(g):
    yield Case("example: [-3, 0, 2, 5] into [0, 2, 2, 4]", torch.tensor([-3, 0, 2, 5]),
               torch.tensor([0, 2, 2, 4]), example=True)
    yield Case("example: [1] into [1]", torch.tensor([1]), torch.tensor([1]), example=True)
    for i in range(1, 9):
        for j in range(1, 9):
            yield Case(f"random (i, j) = ({i}, {j})", ints(g, (i,)), sorted_ints(g, j))
    yield Case("all boundaries equal", torch.tensor([-1, 0, 1, 0]),
               torch.zeros(5, dtype=torch.int64),
               note="a value equal to a repeated boundary passes all of its copies")
    yield Case("values equal to boundaries", torch.tensor([-5, -2, 3, 5]),
               torch.tensor([-5, -2, -2, 3, 5]))
    yield Case("every value below", ints(g, (6,), -5, -3), torch.tensor([-2, 0, 4]))
    yield Case("every value above", ints(g, (6,), 4, 5), torch.tensor([-2, 0, 3]))


# `arange` makes CPU tensors, and CUDA has no int64 `@` (pytorch/pytorch#44428): the exam
# runs on the CPU whatever the device.
CHECK = Check(reference=tensor_exam.bucketize, cases=cases, exact=True,
              inject=tensor_exam.injected("bucketize"), inputs_on_device=False)
