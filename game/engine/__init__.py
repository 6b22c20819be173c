"""The puzzle engine: judge, fork server, sandboxed runner, rules and checks. No textual here."""

import os

# OpenMP threads that spin while they wait starve each other when the machine is busy (a 2-core
# box running the game, its judge and anything else): small training loops slowed down 30x.
# Read once, when torch loads its OpenMP runtime, so it must be set before `import torch`.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
