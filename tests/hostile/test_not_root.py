"""The sandbox as a player without root gets it. Where the tests run as root, the isolation
probes run again as uid 1000 in a user namespace of their own, with no capability: the judge then
builds its layers as an ordinary user would (a user namespace for each run, or the fallback
layers). Where the tests already run without root, the suite itself is that run."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
AS_USER = ["unshare", "--user", "--map-user=1000", "--map-group=1000"]


def _can_drop_root() -> bool:
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        return False
    return subprocess.run([*AS_USER, "true"], capture_output=True).returncode == 0


pytestmark = pytest.mark.skipif(not _can_drop_root(),
                                reason="runs where the tests run as root (and unshare can map "
                                       "a user); without root the whole suite is this run")


def _as_user(args: list[str], home: Path, timeout: int) -> subprocess.CompletedProcess:
    env = {**os.environ, "HOME": str(home), "PYTHONPATH": str(ROOT)}
    env.pop("PYTEST_XDIST_WORKER", None)
    return subprocess.run([*AS_USER, sys.executable, *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


def test_the_doctor_sees_an_ordinary_user(tmp_path):
    proc = _as_user(["-m", "game", "doctor"], tmp_path, 120)
    assert proc.returncode == 0, proc.stderr
    assert "running as uid 1000" in proc.stdout
    assert "User namespace: used (not root)" in proc.stdout


def test_the_isolation_probes_pass_without_root(tmp_path):
    proc = _as_user(["-m", "pytest", "-q", "-p", "no:cacheprovider", "--basetemp",
                     str(tmp_path / "base"), "tests/hostile/test_isolation.py"], tmp_path, 900)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert " passed" in proc.stdout and " failed" not in proc.stdout
