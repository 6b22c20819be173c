"""`python -m game serve` without a browser: what each browser session runs, and which addresses
count as this computer only."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

from game.serve import DEFAULT_HOST, game_command, is_loopback

ROOT = Path(__file__).resolve().parents[2]


def test_each_session_runs_this_interpreter_with_the_options_quoted(tmp_path: Path):
    odd = tmp_path / "my saves; rm -rf ~"
    args = shlex.split(game_command("ada lovelace", odd))
    assert args == [sys.executable, "-m", "game", "--slot", "ada lovelace",
                    "--saves-dir", str(odd.resolve())]
    assert shlex.split(game_command()) == [sys.executable, "-m", "game"]


def test_only_loopback_is_this_computer_only():
    assert DEFAULT_HOST == "127.0.0.1" and is_loopback(DEFAULT_HOST)
    assert is_loopback("localhost") and is_loopback("::1") and is_loopback("127.0.0.2")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.4")
    assert not is_loopback("example.org")


def test_serve_is_a_documented_command():
    done = subprocess.run([sys.executable, "-m", "game", "serve", "--help"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    assert "--port" in done.stdout and "127.0.0.1" in done.stdout
