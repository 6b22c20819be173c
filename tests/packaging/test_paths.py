"""Where content and saves are found: the clone's folders when run from a clone, the packaged
content and the user data folder otherwise, and the overrides in their order."""

from __future__ import annotations

import sys
from pathlib import Path

import platformdirs
import pytest

from game.core import paths


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    monkeypatch.delenv(paths.SAVES_ENV, raising=False)
    monkeypatch.delenv(paths.CONTENT_ENV, raising=False)
    return monkeypatch


def test_a_clone_uses_its_own_folders(clean_env):
    assert paths.in_clone()
    assert paths.content_dir() == paths.REPO_ROOT
    assert paths.saves_dir() == paths.REPO_ROOT / "saves"


def test_an_installed_game_uses_its_packaged_content_and_the_user_data_folder(
        clean_env, tmp_path: Path):
    site = tmp_path / "site-packages"
    packaged = site / "game" / "_content"
    (packaged / "puzzles").mkdir(parents=True)
    clean_env.setattr(paths, "REPO_ROOT", site.parent)
    clean_env.setattr(paths, "PACKAGED_CONTENT", packaged)
    clean_env.setenv("HOME", str(tmp_path / "home"))
    clean_env.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert not paths.in_clone()
    assert paths.content_dir() == packaged
    expected = platformdirs.user_data_path("torchenstein", appauthor=False) / "saves"
    assert paths.saves_dir() == expected
    if sys.platform.startswith("linux"):
        assert expected == tmp_path / "data" / "torchenstein" / "saves"


def test_overrides_win_in_order(clean_env, tmp_path: Path):
    clean_env.setenv(paths.SAVES_ENV, str(tmp_path / "env"))
    clean_env.setenv(paths.CONTENT_ENV, str(tmp_path / "content"))
    assert paths.saves_dir() == tmp_path / "env"
    assert paths.saves_dir(tmp_path / "flag") == tmp_path / "flag"
    assert paths.content_dir() == tmp_path / "content"
