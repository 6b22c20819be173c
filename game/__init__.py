"""Torchenstein: a narrative terminal adventure that teaches PyTorch."""

__version__ = "0.1.0"
