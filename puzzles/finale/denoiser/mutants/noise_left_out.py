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
    opt = torch.optim.Adam(model.parameters(), lr=5e-3)
    for _ in range(1000):
        x0 = data[torch.randint(0, len(data), (256,))]
        t = torch.randint(0, STEPS, (256,))
        noise = torch.randn_like(x0)
        ab = ALPHA_BAR[t][:, None]
        x_t = ab.sqrt() * x0  # the noise is the target; it need not be in the input?
        guess = model(torch.cat([x_t, (t.float() / STEPS)[:, None]], dim=1))
        loss = F.mse_loss(guess, noise)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return model.state_dict()
