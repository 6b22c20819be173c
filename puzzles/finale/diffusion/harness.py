"""Builds nothing: asks the player's Diffusion for its schedule and for one forward and one
reverse step, so that the judge compares all four with its own."""


def run(diffusion, x0, t, noise, x_t, eps, z):
    return (diffusion.betas, diffusion.alpha_bar, diffusion.q_sample(x0, t, noise),
            diffusion.p_step(x_t, t, eps, z))
