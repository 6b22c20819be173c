"""Time from process start to the first frame of the title screen, and what the UI imported.

Runs `python -m game` in a pseudo-terminal with TORCHENSTEIN_LAUNCH_PROBE set: after its first
refresh the app writes the time and `sys.modules` to a file and exits. Prints figures only (the
target is under 0.8 s, and torch must not be among the modules).

    python benchmarks/launch.py [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import pty
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROBE_ENV = "TORCHENSTEIN_LAUNCH_PROBE"


def _drain(fd: int) -> None:
    """Read the terminal output so the app never blocks on a full pty."""
    try:
        while os.read(fd, 1 << 16):
            pass
    except OSError:
        pass


def launch_once(saves: Path) -> tuple[float, float, list[str]]:
    """(seconds to the first frame, seconds to exit, imported modules) of one launch."""
    probe = saves / "probe.json"
    probe.unlink(missing_ok=True)
    master, slave = pty.openpty()
    env = {**os.environ, PROBE_ENV: str(probe), "TERM": os.environ.get("TERM", "xterm-256color"),
           "COLUMNS": "120", "LINES": "40"}
    reader = threading.Thread(target=_drain, args=(master,), daemon=True)
    reader.start()
    started = time.time()
    proc = subprocess.Popen([sys.executable, "-m", "game", "--saves-dir", str(saves)],
                            cwd=ROOT, env=env, stdin=slave, stdout=slave, stderr=slave,
                            start_new_session=True)
    os.close(slave)
    try:
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    ended = time.time()
    os.close(master)
    reader.join(timeout=1)
    if not probe.exists():
        raise SystemExit(f"the app exited (code {proc.returncode}) without drawing a frame")
    data = json.loads(probe.read_text())
    return data["first_frame"] - started, ended - started, data["modules"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="launches to time (default 5)")
    args = parser.parse_args()
    frames, exits = [], []
    modules: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        launch_once(Path(tmp))  # warm the file cache and the bytecode
        for _ in range(args.runs):
            frame, gone, modules = launch_once(Path(tmp))
            frames.append(frame)
            exits.append(gone)
    packages = sorted({m.split(".")[0] for m in modules if not m.startswith("_")})
    heavy = [p for p in ("torch", "numpy") if p in packages]
    print(f"first frame of the title screen, {args.runs} launches:")
    print(f"  median {statistics.median(frames):.3f} s   min {min(frames):.3f} s   "
          f"max {max(frames):.3f} s   (target < 0.8 s)")
    print(f"process exit after the first frame: median {statistics.median(exits):.3f} s")
    print(f"modules imported: {len(modules)} in {len(packages)} top-level packages")
    print("  " + ", ".join(packages))
    print(f"torch imported: {'YES: ' + ', '.join(heavy) if heavy else 'no'}")


if __name__ == "__main__":
    main()
