import torch


class Diffusion:
    def __init__(self, steps: int, beta_1: float = 1e-4, beta_T: float = 0.02):
        self.betas = torch.linspace(beta_1, beta_T, steps, dtype=torch.float64)
        self.alpha_bar = self.betas  # the fraction of signal left after t + 1 steps?

    def q_sample(self, x0, t, noise):
        return x0 + noise

    def p_step(self, x_t, t, eps, z):
        return x_t - eps
