import torch

from game.engine.checks import Case, Check, tensor_exam


def end(g):
    """A float32 (1,) in [-5, 5)."""
    return torch.rand(1, generator=g) * 10 - 5


def point(x):
    return torch.tensor([x], dtype=torch.float32)


def cases(g):
    yield Case("example: 0 to 1 in 5", point(0.0), point(1.0), 5, example=True)
    yield Case("example: 2 to -2 in 3", point(2.0), point(-2.0), 3, example=True)
    for n in range(1, 17):
        for r in range(2):
            yield Case(f"random ends, n = {n} (#{r + 1})", end(g), end(g), n)
    yield Case("n = 1", point(3.0), point(7.0), 1, note="a single point is i itself")
    yield Case("i == j", point(1.5), point(1.5), 6)
    yield Case("descending", point(5.0), point(-5.0), 11)
    yield Case("integer ends", point(-5.0), point(5.0), 8)
    yield Case("n = 2", point(-0.5), point(0.25), 2)
    yield Case("n = 50", end(g), end(g), 50)


# `arange` makes CPU tensors, and CUDA has no int64 `@` (pytorch/pytorch#44428): the exam
# runs on the CPU whatever the device.
CHECK = Check(reference=tensor_exam.linspace, cases=cases, exact=False,
              inject=tensor_exam.injected("linspace"), inputs_on_device=False)
