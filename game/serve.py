"""`python -m game serve`: the same game in a web browser, through textual-serve.

Each browser tab starts its own `python -m game` process on this computer (the judge and the
saves stay here; the browser only draws the terminal). The server listens on 127.0.0.1 by
default, so only this computer can connect: whoever can reach the server can run code on it.
"""

from __future__ import annotations

import ipaddress
import shlex
import sys
from pathlib import Path

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def game_command(slot: str | None = None, saves_dir: str | Path | None = None) -> str:
    """The shell command each browser session runs: this interpreter, the game, its options."""
    args = [sys.executable, "-m", "game"]
    if slot:
        args += ["--slot", slot]
    if saves_dir:
        args += ["--saves-dir", str(Path(saves_dir).expanduser().resolve())]
    return shlex.join(args)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(*, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, slot: str | None = None,
          saves_dir: str | Path | None = None) -> int:
    """Serve the game until Ctrl+C; returns the exit code."""
    from textual_serve.server import Server

    url = f"http://{host}:{port}"
    if is_loopback(host):
        print(f"Torchenstein in a browser: open {url}\n"
              f"Listening on {host} only: other computers cannot connect.", flush=True)
    else:
        print(f"Torchenstein in a browser: open {url}\n"
              f"WARNING: listening on {host}: anyone who can reach this address can play and "
              "run Python code on this computer.", flush=True)
    server = Server(game_command(slot, saves_dir), host=host, port=port, title="Torchenstein")
    server.serve()
    return 0
