from game.engine.checks import Case, Check, tensor_exam


def cases(g):
    yield Case("example: j = 1", 1, example=True)
    yield Case("example: j = 3", 3, example=True)
    for j in (2, *range(4, 17), 24):
        yield Case(f"j = {j}", j)


# `arange` makes CPU tensors and int64 `@` has no CUDA kernel, so the exam stays on the CPU.
CHECK = Check(reference=tensor_exam.triu, cases=cases, exact=True,
              inject=tensor_exam.injected("triu"), inputs_on_device=False)
