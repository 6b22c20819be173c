import torch


class Diffusion:
    def __init__(self, steps: int, beta_1: float = 1e-4, beta_T: float = 0.02):
        self.betas = torch.linspace(beta_1, beta_T, steps, dtype=torch.float64)
        self.alpha_bar = torch.cumprod(1 - self.betas, dim=0)

    def _at(self, values, t, x):
        # One coefficient per sample, shaped (B, 1, 1, ...) to broadcast over x.
        return values[t].to(x.dtype).reshape(-1, *([1] * (x.dim() - 1)))

    def q_sample(self, x0, t, noise):
        ab = self._at(self.alpha_bar, t, x0)
        return ab.sqrt() * x0 + (1 - ab).sqrt() * noise

    def p_step(self, x_t, t, eps, z):
        beta = self._at(self.betas, t, x_t)
        ab = self._at(self.alpha_bar, t, x_t)
        mean = (x_t - beta / (1 - ab).sqrt() * eps) / (1 - beta).sqrt()
        return mean + beta.sqrt() * z
