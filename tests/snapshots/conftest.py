"""Fixtures shared by the snapshot tests."""

from __future__ import annotations

import time
from pathlib import Path

import pytest


@pytest.fixture
def saves(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A save folder shown as `~/saves/...` and a clock in UTC, so screenshots never vary."""
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    root = tmp_path / "saves"
    root.mkdir()
    return root
