from game.engine.checks import Case, Check, tensor_exam


def cases(g):
    yield Case("example: i = 1", 1, example=True)
    yield Case("example: i = 5", 5, example=True)
    for i in (*range(2, 17), 31, 64):
        if i != 5:
            yield Case(f"i = {i}", i)


# `arange` makes CPU tensors, and CUDA has no int64 `@` (pytorch/pytorch#44428): the exam
# runs on the CPU whatever the device.
CHECK = Check(reference=tensor_exam.ones, cases=cases, exact=True,
              inject=tensor_exam.injected("ones"), inputs_on_device=False)
