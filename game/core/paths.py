"""Where the game's content and saves live.

Run from a clone, the content is the repository's `story/` and `puzzles/` and the saves go to its
`saves/`. Installed from a wheel, the content is shipped inside the package (`game/_content/`,
copied there when the wheel is built) and the saves go to the platform's user data folder.
`$TORCHENSTEIN_CONTENT` and `--saves-dir`/`$TORCHENSTEIN_SAVES` override either.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
PACKAGED_CONTENT = Path(__file__).resolve().parents[1] / "_content"
SAVES_ENV = "TORCHENSTEIN_SAVES"
CONTENT_ENV = "TORCHENSTEIN_CONTENT"
APP_NAME = "torchenstein"


def in_clone() -> bool:
    """Whether the game runs from its source tree (a clone, or an editable install of one)."""
    return (REPO_ROOT / "pyproject.toml").is_file() and (REPO_ROOT / "puzzles").is_dir()


def content_dir() -> Path:
    """The folder that holds `puzzles/` and `story/`: `$TORCHENSTEIN_CONTENT`, else the
    clone's root, else the content shipped in the package."""
    override = os.environ.get(CONTENT_ENV)
    if override:
        return Path(override).expanduser().resolve()
    if in_clone() or not PACKAGED_CONTENT.is_dir():
        return REPO_ROOT
    return PACKAGED_CONTENT


def default_saves_dir() -> Path:
    """`saves/` in a clone; otherwise the user data folder (e.g. ~/.local/share/torchenstein/
    saves on Linux, ~/Library/Application Support/torchenstein/saves on macOS)."""
    if in_clone():
        return REPO_ROOT / "saves"
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False) / "saves"


def saves_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The folder of save slots: `--saves-dir`, else `$TORCHENSTEIN_SAVES`, else the default."""
    if explicit:
        return Path(explicit).expanduser().resolve()
    override = os.environ.get(SAVES_ENV)
    return Path(override).expanduser().resolve() if override else default_saves_dir()
