import torch


def best_device() -> torch.device:
    # Ask the lab what it has: CUDA first, then Apple's MPS, and the CPU as the last resort.
    # Return a torch.device, not a string.
    return "cpu"
