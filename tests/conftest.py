"""Test-session set-up shared by every folder."""

import os

# As in game/engine/__init__.py, before any test module imports torch.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
