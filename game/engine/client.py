"""The TUI's handle on the judge service. Imports neither torch nor textual: the UI process stays
light, and a crash in the judge or a child can never take the UI down."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import sys
from pathlib import Path
from typing import Any, Protocol

from game.core.result import Result

ROOT = Path(__file__).resolve().parents[2]


class JudgeUnavailable(Exception):
    """The judge process died or could not start; the next call restarts it."""


class CheckCancelled(Exception):
    """The running check was cancelled (its child was killed)."""


class Judge(Protocol):
    """What the game needs from a judge: `JudgeClient`, or a fake with the same interface."""

    devices: dict[str, bool]

    @property
    def alive(self) -> bool: ...

    async def start(self) -> None: ...

    async def wait_ready(self, timeout: float = 60) -> dict[str, bool]: ...

    async def verify(self, puzzle_id: str, source: str, *, quick: bool = False,
                     device: str = "auto", seed: int | None = None,
                     timeout: float | None = None) -> Result: ...

    async def cancel(self) -> None: ...

    async def close(self) -> None: ...


class JudgeClient:
    """Starts `python -m game.engine.service` in the background and talks JSON lines to it."""

    def __init__(self, python: str = sys.executable, env: dict[str, str] | None = None) -> None:
        self.python = python
        self.env = env
        self.proc: asyncio.subprocess.Process | None = None
        self.devices: dict[str, bool] = {}
        self.restarts = 0
        self._ids = itertools.count(1)
        # request id -> (the judge process it was sent to, its answer)
        self._pending: dict[int, tuple[Any, asyncio.Future[dict[str, Any]]]] = {}
        self._ready: asyncio.Future[dict[str, Any]] | None = None
        self._reader: asyncio.Task[None] | None = None

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.returncode is None

    async def start(self) -> None:
        """Spawn the service (returns at once; `wait_ready` waits for torch to load)."""
        if self.alive:
            return
        loop = asyncio.get_running_loop()
        self._ready = loop.create_future()
        env = {**os.environ, **(self.env or {}), "PYTHONUNBUFFERED": "1"}
        self.proc = await asyncio.create_subprocess_exec(
            self.python, "-m", "game.engine.service", stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL, cwd=str(ROOT),
            env=env, limit=1 << 26, start_new_session=True)
        self._reader = asyncio.create_task(self._read(self.proc, self._ready))

    async def wait_ready(self, timeout: float = 60) -> dict[str, bool]:
        await self.start()
        assert self._ready is not None
        try:
            info = await asyncio.wait_for(asyncio.shield(self._ready), timeout)
        except (asyncio.TimeoutError, JudgeUnavailable) as exc:
            raise JudgeUnavailable("the judge did not start") from exc
        self.devices = info.get("devices", {})
        return self.devices

    async def _read(self, proc: asyncio.subprocess.Process,
                    ready: asyncio.Future[dict[str, Any]]) -> None:
        """Dispatch one process's answers; when it ends, fail only what was sent to it (a
        restarted judge may already be running beside this reader)."""
        assert proc.stdout is not None
        try:
            while line := await proc.stdout.readline():
                try:
                    msg = json.loads(line)
                except ValueError:
                    continue
                if msg.get("event") == "ready":
                    if not ready.done():
                        ready.set_result(msg)
                    continue
                _, fut = self._pending.pop(msg.get("id"), (None, None))
                if fut and not fut.done():
                    fut.set_result(msg)
        finally:
            await proc.wait()
            error = JudgeUnavailable(f"the judge stopped (exit code {proc.returncode})")
            if not ready.done():
                ready.set_exception(error)
            for rid, (owner, fut) in list(self._pending.items()):
                if owner is proc:
                    del self._pending[rid]
                    if not fut.done():
                        fut.set_exception(error)

    async def _send(self, message: dict[str, Any]) -> None:
        assert self.proc is not None and self.proc.stdin is not None
        self.proc.stdin.write((json.dumps(message) + "\n").encode())
        await self.proc.stdin.drain()

    async def verify(self, puzzle_id: str, source: str, *, quick: bool = False,
                     device: str = "auto", seed: int | None = None,
                     timeout: float | None = None) -> Result:
        """Judge `source`. Restarts a dead judge first. Raises CheckCancelled or
        JudgeUnavailable; every verdict, good or bad, is a Result. With `timeout`, a judge that
        has not answered by then is killed (the next call starts a fresh one)."""
        if not self.alive:
            if self.proc is not None:
                self.restarts += 1
            await self.start()
        await self.wait_ready()
        rid = next(self._ids)
        fut: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[rid] = (self.proc, fut)
        try:
            await self._send({"id": rid, "op": "verify", "puzzle": puzzle_id, "source": source,
                              "quick": quick, "device": device, "seed": seed})
        except (BrokenPipeError, ConnectionResetError) as exc:
            self._pending.pop(rid, None)
            raise JudgeUnavailable("the judge stopped") from exc
        try:
            msg = await asyncio.wait_for(asyncio.shield(fut), timeout)
        except asyncio.TimeoutError:
            self._pending.pop(rid, None)
            if self.alive:
                with contextlib.suppress(ProcessLookupError):
                    self.proc.kill()  # type: ignore[union-attr]
            raise JudgeUnavailable(f"the judge did not answer within {timeout:g} s") from None
        except asyncio.CancelledError:
            await self.cancel()
            raise
        if msg.get("cancelled"):
            raise CheckCancelled()
        if "error" in msg:
            raise JudgeUnavailable(str(msg["error"]))
        return Result.model_validate(msg["result"])

    async def cancel(self) -> None:
        """Cancel every check sent and not yet answered, queued or running (the judge itself
        stays up). Each one answers `CheckCancelled`."""
        if self.alive:
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                for rid, (owner, _) in list(self._pending.items()):
                    if owner is self.proc:
                        await self._send({"op": "cancel", "id": rid})

    async def close(self) -> None:
        if self.proc is None:
            return
        if self.alive:
            with contextlib.suppress(BrokenPipeError, ConnectionResetError, AssertionError):
                self.proc.stdin.close()  # type: ignore[union-attr]
            try:
                await asyncio.wait_for(self.proc.wait(), 5)
            except asyncio.TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    self.proc.kill()
                await self.proc.wait()
        if self._reader:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
