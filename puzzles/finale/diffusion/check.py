"""finale.diffusion: the DDPM schedule, the forward jump q_sample and one reverse step p_step,
all exact (default tolerances; the schedule in float64)."""

import torch

from game.engine.checks import Case, Check, floats


class Reference:
    def __init__(self, steps, beta_1=1e-4, beta_T=0.02):
        self.betas = torch.linspace(beta_1, beta_T, steps, dtype=torch.float64)
        self.alpha_bar = torch.cumprod(1 - self.betas, 0)

    def __call__(self, x0, t, noise, x_t, eps, z):
        shape = (-1, *([1] * (x0.dim() - 1)))
        ab = self.alpha_bar[t].reshape(shape)
        beta = self.betas[t].reshape(shape)
        q = ab.sqrt() * x0.double() + (1 - ab).sqrt() * noise.double()
        mean = (x_t.double() - beta / (1 - ab).sqrt() * eps.double()) / (1 - beta).sqrt()
        p = mean + (t > 0).double().reshape(shape) * beta.sqrt() * z.double()
        return self.betas.clone(), self.alpha_bar.clone(), q.to(x0.dtype), p.to(x0.dtype)


def case(g, name, shape, steps, t, dtype=torch.float32, init=None, **kw):
    x0, noise, x_t, eps, z = (floats(g, shape, dtype) for _ in range(5))
    return Case(name, x0, noise.new_tensor(t, dtype=torch.int64), noise, x_t, eps, z,
                init=init or (steps,), **kw)


def cases(g):
    yield case(g, "example: 4 points in 2-D, T = 10", (4, 2), 10, [0, 3, 9, 5], example=True,
               note="at t = 0 the reverse step adds no noise")
    yield case(g, "images (3, 1, 4, 4), T = 1000", (3, 1, 4, 4), 1000, [999, 0, 500],
               note="one coefficient per sample, broadcast over its pixels")
    yield case(g, "every step of T = 50", (50, 2), 50, list(range(50)))
    yield case(g, "batch 2, 2-D: a shape where (B,) broadcasts wrongly", (2, 2), 20, [19, 1],
               note="alpha_bar[t] has shape (B,): give it shape (B, 1) before multiplying")
    yield case(g, "float64", (5, 3), 100, [0, 1, 50, 98, 99], torch.float64)
    yield case(g, "custom schedule: beta from 1e-3 to 0.05", (6, 2), 30, [0, 29, 7, 7, 1, 15],
               init=(30, 1e-3, 0.05))
    yield case(g, "one step only, T = 1", (3, 2), 1, [0, 0, 0])
    x0 = floats(g, (2, 7)).T
    yield Case("non-contiguous x (a transposed view)", x0, torch.tensor([3] * 7),
               floats(g, (7, 2)), floats(g, (2, 7)).T, floats(g, (7, 2)), floats(g, (7, 2)),
               init=(10,))
    yield case(g, "no samples", (0, 2), 10, [])


CHECK = Check(reference=Reference, cases=cases)
