"""The README's headless commands run exactly as written, after its set-up command.

`make test` (and so CI) creates `.venv` with the game installed, so there the commands run
through the real `.venv/bin/torchenstein`. A checkout without that `.venv` (a developer's own
environment) runs them through an equivalent launcher for this interpreter, so the commands
themselves are still checked.
"""

from __future__ import annotations

import os
import re
import shlex
import stat
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ".venv/bin/torchenstein"


def readme_commands() -> list[str]:
    """The lines of the README's first shell block under "## Headless", comments removed."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Headless"):]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert block, "the Headless section has no ```sh block"
    lines = [re.sub(r"\s+#.*$", "", line).strip() for line in block.group(1).splitlines()]
    return [line for line in lines if line]


def workdir(tmp_path: Path) -> Path:
    """A folder where the README's relative paths mean what they mean in a clone."""
    work = tmp_path / "clone"
    work.mkdir()
    (work / "puzzles").symlink_to(ROOT / "puzzles")
    real = ROOT / SCRIPT
    if real.exists():
        (work / ".venv").symlink_to(ROOT / ".venv")
    else:
        launcher = work / SCRIPT
        launcher.parent.mkdir(parents=True)
        launcher.write_text(f"#!/bin/sh\nPYTHONPATH={shlex.quote(str(ROOT))} exec "
                            f"{shlex.quote(sys.executable)} -m game \"$@\"\n")
        launcher.chmod(launcher.stat().st_mode | stat.S_IXUSR)
    return work


def test_the_readme_lists_runnable_commands() -> None:
    commands = readme_commands()
    verbs = {shlex.split(c)[1] for c in commands if c.startswith(SCRIPT)}
    assert {"list", "brief", "verify", "hint", "saves", "author"} <= verbs
    assert all(c.startswith((SCRIPT, "cp ")) for c in commands), commands


def test_the_readme_commands_work_as_written(tmp_path: Path) -> None:
    work = workdir(tmp_path)
    env = {**os.environ, "TORCHENSTEIN_SAVES": str(tmp_path / "saves"), "COLUMNS": "100"}
    env.pop("PYTHONPATH", None)
    for command in readme_commands():
        proc = subprocess.run(command, shell=True, cwd=work, env=env, capture_output=True,
                              text=True, stdin=subprocess.DEVNULL, timeout=600)
        # The starter is a wrong answer by design: verify answers 1 with a verdict; every
        # other command succeeds. Neither may crash or print a usage error.
        expected = 1 if " verify " in command and "starter" not in command else 0
        assert proc.returncode == expected, (command, proc.returncode, proc.stderr[-2000:])
        assert "Traceback" not in proc.stderr, (command, proc.stderr[-2000:])
        if command.startswith(SCRIPT):
            assert proc.stdout.strip(), command
        if command.endswith("--json"):
            assert proc.stdout.lstrip().startswith("{"), command
