"""`python -m game serve` in a real headless browser: the system's Chromium, driven by Playwright.

The title screen appears, a new game starts, the first puzzle is submitted and its verdict is
shown. What the browser draws is read from the terminal output the server sends it (xterm.js
draws on a canvas), and the save the game wrote confirms the submission.
`tests/browser/install_browser.sh` installs Chromium; without it the test is skipped."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("TORCHENSTEIN_CHROMIUM") or shutil.which("chromium") or \
    shutil.which("chromium-browser")
ANSI = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[PX^_][^\x1b]*\x1b\\|.)")
VERDICTS = ("Wrong answer", "Passed", "Rule broken", "Runtime error", "Syntax error",
            "No result", "Time limit")

pytestmark = [
    pytest.mark.skipif(CHROMIUM is None, reason="no Chromium installed: run "
                       "tests/browser/install_browser.sh (Debian's chromium package)"),
]
sync_api = pytest.importorskip("playwright.sync_api",
                               reason="Playwright is not installed (pip install playwright)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The game served on a free port of 127.0.0.1, stopped (its whole process group) after."""
    port = free_port()
    saves = tmp_path / "saves"
    env = {k: v for k, v in os.environ.items() if not k.startswith("TORCHENSTEIN_")}
    env.update(HOME=str(tmp_path), TZ="UTC")
    proc = subprocess.Popen([sys.executable, "-m", "game", "serve", "--port", str(port),
                             "--saves-dir", str(saves)], cwd=ROOT, env=env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
                    pytest.fail(f"the server did not start: {out[-2000:]}")
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}", saves
    finally:
        for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 10)):
            try:
                os.killpg(proc.pid, sig)
            except ProcessLookupError:
                break
            try:
                proc.wait(timeout=wait)
                break
            except subprocess.TimeoutExpired:
                continue


class Screen:
    """What the server has sent the browser's terminal, as text without escape sequences."""

    def __init__(self, page) -> None:
        self.page = page
        self.chunks: list[bytes] = []
        page.on("websocket", lambda ws: ws.on("framereceived", self._frame))

    def _frame(self, payload: str | bytes) -> None:
        if isinstance(payload, bytes):
            self.chunks.append(payload)

    def mark(self) -> int:
        return len(self.chunks)

    def text(self, since: int = 0) -> str:
        return ANSI.sub("", b"".join(self.chunks[since:]).decode("utf-8", "replace"))

    def wait_for(self, *words: str, since: int = 0, timeout: float = 90) -> str:
        """Wait until one of `words` has been drawn (after `mark` `since`); return it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self.text(since)
            for word in words:
                if word in text:
                    return word
            self.page.wait_for_timeout(100)
        raise AssertionError(f"none of {words} appeared in the browser within {timeout:g} s; "
                             f"last drawn: {self.text(since)[-1500:]!r}")


def test_play_in_a_headless_browser(server: tuple[str, Path], tmp_path: Path) -> None:
    url, saves = server
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                    args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            screen = Screen(page)
            page.goto(url)
            page.wait_for_selector(".xterm-screen", timeout=30_000)
            # The title screen, drawn by the game in the browser's terminal.
            screen.wait_for("New game")
            screen.wait_for("Load game")
            page.click(".xterm-screen")

            # A new game: the name prompt, then the prologue's first scene.
            since = screen.mark()
            page.keyboard.press("Enter")
            screen.wait_for("What is your name", since=since)
            since = screen.mark()
            page.keyboard.type("Ada")
            page.keyboard.press("Enter")
            screen.wait_for("Welcome to the lab, Ada", since=since)

            # Skip to the first puzzle, submit the starter, read the verdict.
            since = screen.mark()
            page.keyboard.press("s")
            screen.wait_for("your draft", since=since)
            since = screen.mark()
            page.keyboard.press("F6")
            verdict = screen.wait_for(*VERDICTS, since=since, timeout=120)
            assert verdict == "Wrong answer"  # the starter returns a string, not a device
            page.screenshot(path=str(tmp_path / "verdict.png"))
        finally:
            browser.close()

    state = json.loads((saves / "ada" / "state.json").read_text())
    record = state["puzzles"]["prologue.best_device"]
    assert record.get("attempts", 0) >= 1 and not record.get("solved_at")
