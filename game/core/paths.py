"""Where the game's content and saves live."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
SAVES_ENV = "TORCHENSTEIN_SAVES"
CONTENT_ENV = "TORCHENSTEIN_CONTENT"


def content_dir() -> Path:
    """The folder that holds `puzzles/` and `story/` (the repository root unless overridden)."""
    override = os.environ.get(CONTENT_ENV)
    return Path(override).expanduser().resolve() if override else REPO_ROOT


def saves_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The folder of save slots: `--saves-dir`, else `$TORCHENSTEIN_SAVES`, else `saves/`."""
    if explicit:
        return Path(explicit).expanduser().resolve()
    override = os.environ.get(SAVES_ENV)
    return Path(override).expanduser().resolve() if override else REPO_ROOT / "saves"
