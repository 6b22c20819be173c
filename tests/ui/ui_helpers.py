"""Shared by the UI and snapshot tests: the fixture content, a fake judge with JudgeClient's async
interface, and small waiting helpers (never fixed sleeps)."""

from __future__ import annotations

import asyncio
import io
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:  # the package is not installed in every environment
    sys.path.insert(0, str(REPO_ROOT))

from game.core.content import load_catalog  # noqa: E402
from game.core.result import (  # noqa: E402
    ConstraintResult,
    Metrics,
    Result,
    Status,
    TestResult,
)
from game.engine.client import CheckCancelled, Judge, JudgeUnavailable  # noqa: E402

FIXTURE_CONTENT = Path(__file__).resolve().parent / "fixtures" / "content"
SIZE = (120, 40)
DOUBLE, POSITIVE = "prologue.double", "prologue.positive"


def solution(puzzle_id: str) -> str:
    return load_catalog(FIXTURE_CONTENT).puzzle(puzzle_id).solution


def _normal(source: str) -> str:
    return "\n".join(line.rstrip() for line in source.strip().splitlines())


def canned_result(puzzle_id: str, source: str, quick: bool) -> Result:
    """What the fake judge answers: a pass for the reference solution, a rule broken for a
    call to `relu`, and otherwise a wrong answer with full details. Deterministic."""
    tests = [TestResult(name="example: 1, -2, 0", status="fail", seed=7,
                        message="output: 2 of 3 values differ; first at index (0,): expected 2, "
                                "got 1 (largest difference 2)",
                        inputs="arg0: float32 (3,) [1, -2, 0]",
                        expected="float32 (3,) [2, -4, 0]", actual="float32 (3,) [1, -2, 0]",
                        output="shape torch.Size([3])\n", mismatch="values")]
    if not quick:
        tests.append(TestResult(name="random (4,)", status="pass", seed=7,
                                inputs="arg0: float32 (4,) [0.5, -1, 2, 3]",
                                expected="float32 (4,) [1, -2, 4, 6]",
                                actual="float32 (4,) [1, -2, 4, 6]"))
    reference = load_catalog(FIXTURE_CONTENT).puzzle(puzzle_id)
    if _normal(source) == _normal(reference.solution):
        passed = [t.model_copy(update={"status": "pass", "message": "", "mismatch": None,
                                       "actual": t.expected, "output": ""}) for t in tests]
        return Result(puzzle=puzzle_id, status=Status.PASS, quick=quick, duration_ms=42,
                      message=f"All {len(passed)} test{'s' if len(passed) > 1 else ''} passed.",
                      tests=passed, metrics=Metrics(lines=3, chars=5, time_ratio=1.1))
    if "relu" in source:
        line = next(i for i, text in enumerate(source.splitlines(), 1) if "relu" in text)
        message = "`torch.relu` is not allowed here: build it from a comparison instead"
        return Result(puzzle=puzzle_id, status=Status.CONSTRAINT_VIOLATION, quick=quick,
                      duration_ms=42, message=f"Line {line}: {message}",
                      tests=[t.model_copy(update={"status": "not_run", "message": "",
                                                  "expected": "", "actual": "", "output": "",
                                                  "mismatch": None}) for t in tests],
                      constraints=[ConstraintResult(rule="banned_call", status="fail", line=line,
                                                    col=12, message=message)],
                      metrics=Metrics(lines=3, chars=13))
    return Result(puzzle=puzzle_id, status=Status.WRONG_ANSWER, quick=quick, duration_ms=42,
                  message=f"Test '{tests[0].name}' failed: {tests[0].message}", tests=tests,
                  metrics=Metrics(lines=3, chars=1, time_ratio=0.9))


class FakeJudge:
    """JudgeClient's async interface, answering at once (or when `release()` is called, when
    `hold` is set), recording every call."""

    def __init__(self, devices: dict[str, bool] | None = None,
                 answer: Callable[[str, str, bool], Result] = canned_result) -> None:
        self.devices: dict[str, bool] = {}
        self._devices = devices or {"cpu": True, "cuda": False, "mps": False}
        self.answer = answer
        self.alive = False
        self.calls: list[dict[str, object]] = []
        self.cancels = 0
        self.closed = False
        self.hold = False
        self.fail_next = False
        self._release: asyncio.Event | None = None
        self._cancelled = False

    async def start(self) -> None:
        self.alive = True

    async def wait_ready(self, timeout: float = 60) -> dict[str, bool]:
        await self.start()
        self.devices = dict(self._devices)
        return self.devices

    async def verify(self, puzzle_id: str, source: str, *, quick: bool = False,
                     device: str = "auto", seed: int | None = None,
                     timeout: float | None = None) -> Result:
        await self.wait_ready()
        self.calls.append({"puzzle": puzzle_id, "source": source, "quick": quick,
                           "device": device, "timeout": timeout})
        if self.fail_next:
            self.fail_next = False
            self.alive = False
            raise JudgeUnavailable("the judge stopped (exit code -9)")
        if self.hold:
            self._cancelled = False
            self._release = asyncio.Event()
            await self._release.wait()
            self._release = None
            if self._cancelled:
                raise CheckCancelled()
        return self.answer(puzzle_id, source, quick)

    @property
    def waiting(self) -> bool:
        return self._release is not None

    def release(self) -> None:
        if self._release is not None:
            self._release.set()

    async def cancel(self) -> None:
        self.cancels += 1
        if self._release is not None:
            self._cancelled = True
            self._release.set()

    async def close(self) -> None:
        self.alive = False
        self.closed = True


async def wait_until(pilot, condition: Callable[[], object], timeout: float = 30.0,
                     what: str = "the condition") -> None:
    """Let the app run until `condition()` holds (a deadline, not a fixed sleep)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        await pilot.pause(0.02)


def plain(widget) -> str:
    """The text a Static shows (whatever it was given: a string, Rich Text, a table...)."""
    from rich.console import Console

    content = widget.content
    if isinstance(content, str):
        return content
    console = Console(width=200, file=io.StringIO(), color_system=None)
    with console.capture() as captured:
        console.print(content)
    return captured.get()


def notifications(app) -> list[str]:
    return [n.message for n in app._notifications]


async def type_text(pilot, text: str) -> None:
    """Type like a player: one key per character (Enter for a new line)."""
    keys = ["enter" if ch == "\n" else "space" if ch == " " else ch for ch in text]
    await pilot.press(*keys)


async def type_code(pilot, text: str) -> None:
    """Type code into the auto-indenting editor like a player: after each Enter, the
    indentation the editor offers is taken back and the line typed as written."""
    from game.ui.widgets.editor import indent_after

    lines = text.split("\n")
    for i, line in enumerate(lines):
        if i:
            await pilot.press("enter", *["backspace"] * len(indent_after(lines[i - 1])))
        await type_text(pilot, line)


def as_judge(judge: FakeJudge) -> Judge:
    """The fake stands where the real client stands: `make test` type-checks this file, so a
    fake that drifts from the `Judge` protocol (as `timeout=` once did) fails the build."""
    return judge
