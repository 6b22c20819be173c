"""finale.denoiser: a tiny DDPM on 2-D data. The judge samples from the returned weights with
its own reverse process and its own noise, then tests the samples against the data's
clusters: most samples must land on a cluster, and no cluster may be forgotten."""

import math

import torch
from torch import nn

from game.engine.checks import Case, Check, Mismatch, Scatter

STEPS = 50
BETAS = torch.linspace(1e-3, 0.2, STEPS, dtype=torch.float64)
ALPHA_BAR = torch.cumprod(1 - BETAS, 0)
CLUSTERS, RADIUS, SPREAD = 6, 2.0, 0.15
N_DATA, N_SAMPLES = 1200, 1000
NEAR = 0.75            # a sample "lands" within this distance of a cluster's centre (5 sigma)
MIN_NEAR = 0.8         # share of samples that must land
MIN_SHARE = 0.05       # share of all samples each cluster must receive


def make_denoiser() -> nn.Module:
    return nn.Sequential(nn.Linear(3, 64), nn.SiLU(), nn.Linear(64, 64), nn.SiLU(),
                         nn.Linear(64, 2))


def cases(g):
    turn = float(torch.rand((), generator=g)) * 2 * math.pi
    angles = turn + torch.arange(CLUSTERS) * 2 * math.pi / CLUSTERS
    centres = RADIUS * torch.stack([angles.cos(), angles.sin()], 1)
    which = torch.randint(0, CLUSTERS, (N_DATA + 400,), generator=g)
    points = centres[which] + SPREAD * torch.randn(len(which), 2, generator=g)
    seed = int(torch.randint(0, 2**31 - 1, (1,), generator=g))
    yield Case("six clusters on a ring", points[:N_DATA].contiguous(), seed, example=True,
               data={"centres": centres, "fresh": points[N_DATA:]})


@torch.no_grad()
def draw(model, seed):
    """The judge's reverse process: from pure noise at t = STEPS - 1 down to 0."""
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(N_SAMPLES, 2, generator=g)
    for t in reversed(range(STEPS)):
        feature = torch.full((N_SAMPLES, 1), t / STEPS)
        eps = model(torch.cat([x, feature], 1))
        beta, ab = float(BETAS[t]), float(ALPHA_BAR[t])
        x = (x - beta / math.sqrt(1 - ab) * eps) / math.sqrt(1 - beta)
        if t > 0:
            x = x + math.sqrt(beta) * torch.randn(N_SAMPLES, 2, generator=g)
    return x


def evaluate(case, expected, got, ctx):
    if not isinstance(got, dict):
        what = got.get("__unsupported__") if isinstance(got, dict) else type(got).__name__
        return Mismatch("type", f"return model.state_dict() (a dict of tensors), not a {what}")
    model = make_denoiser()
    want = {k: tuple(v.shape) for k, v in model.state_dict().items()}
    have = {k: tuple(v.shape) for k, v in got.items() if type(v) is torch.Tensor}
    if want != have:
        return Mismatch("type", "the state_dict does not fit make_denoiser(): expected "
                        f"{', '.join(f'{k} {s}' for k, s in want.items())}")
    model.load_state_dict({k: v.float() for k, v in got.items()})
    samples = draw(model, ctx.seed)
    if not bool(torch.isfinite(samples).all()):
        return Mismatch("nan", "sampling from your denoiser produced NaN or inf")
    centres = case.data["centres"]
    dist = torch.cdist(samples.double(), centres.double())
    nearest = dist.min(1)
    landed = nearest.values < NEAR
    shares = torch.bincount(nearest.indices[landed], minlength=CLUSTERS) / N_SAMPLES
    ctx.add_figure(Scatter(title="Samples from your denoiser, over fresh data",
                           groups={"data": [tuple(p) for p in case.data["fresh"].tolist()],
                                   "samples": [tuple(p) for p in samples.tolist()]}))
    near = float(landed.double().mean())
    if near < MIN_NEAR:
        return Mismatch("values", f"only {near:.0%} of {N_SAMPLES} samples lie within {NEAR} "
                        f"of a cluster's centre; at least {MIN_NEAR:.0%} must",
                        f">= {MIN_NEAR:.0%}", f"{near:.0%}")
    worst = int(shares.argmin())
    if float(shares[worst]) < MIN_SHARE:
        return Mismatch("values", f"one cluster received {float(shares[worst]):.1%} of the "
                        f"samples (each should get about {1 / CLUSTERS:.0%}, at least "
                        f"{MIN_SHARE:.0%}): the denoiser forgets part of the data",
                        f">= {MIN_SHARE:.0%}", f"{float(shares[worst]):.1%}")
    return None


CHECK = Check(cases=cases, evaluate=evaluate, inputs_on_device=False)
