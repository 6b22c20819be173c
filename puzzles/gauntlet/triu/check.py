from game.engine.checks import Case, Check, tensor_exam


def cases(g):
    yield Case("example: j = 1", 1, example=True)
    yield Case("example: j = 3", 3, example=True)
    for j in (2, *range(4, 17), 24):
        yield Case(f"j = {j}", j)


# `arange` makes CPU tensors, and CUDA has no int64 `@` (pytorch/pytorch#44428): the exam
# runs on the CPU whatever the device.
CHECK = Check(reference=tensor_exam.triu, cases=cases, exact=True,
              inject=tensor_exam.injected("triu"), inputs_on_device=False)
