"""The supervisor: the fork server, one child per submission, and the limits around it.

`Supervisor.run` hands the fork server a request and three pipes, feeds the child its job,
reads its result frames and its printed output, and returns an `Outcome`. The wall limit is
enforced by a watchdog thread that kills the child whatever the reading side is doing; frames
are decoded on a thread of their own, so neither a slow frame nor a stuck decoder keeps the
judge past the wall limit + 1 s (`GRACE_S` of it for the last frames to arrive).
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import json
import os
import queue
import selectors
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from game.engine import forkserver, sandbox, wire

GRACE_S = 0.5  # after the child ends: time for its last frames to arrive
DECODE_SLACK_S = 0.5  # past the wall limit, the most the decoder may still take
T = TypeVar("T")


class Cancelled(Exception):
    """The run was cancelled (the child was killed); there is no verdict."""


class DeadlineExceeded(Exception):
    """A call given to `call_with_deadline` ran past its deadline and was interrupted."""


@dataclass
class Outcome:
    """What came back from one child, and what was measured from outside it."""

    messages: list[dict[str, Any]] = field(default_factory=list)
    stdio: bytes = b""
    stdio_overflow: bool = False
    timed_out: bool = False
    cancelled: bool = False
    exit_code: int | None = None
    garbled: str | None = None
    server_lost: bool = False  # the fork server died while the child ran
    killed: bool = False  # by the judge (limit, garbled channel, cancel), not by the system
    wall_ms: int = 0
    cpu_ns: int | None = None  # the child's user + system CPU time, from the kernel
    maxrss_kib: int | None = None  # the child's resident high-water mark, from the kernel
    base_rss_kib: int | None = None  # the fork server's resident size when the child forked
    # The child's private resident memory (anonymous + shared-memory pages), its highest value
    # sampled from outside every millisecond after the child said hello (memory budgets only).
    private_peak_kib: int | None = None
    quota_exceeded: bool = False  # the run folder outgrew its cap
    processes: int = 0  # the most processes of the run seen at once (declared-process puzzles)
    processes_allowed: int | None = None  # how many besides the child, helpers included

    @property
    def too_many_processes(self) -> bool:
        """The fork server stopped the run for the number of its processes."""
        return self.processes_allowed is not None and self.processes > self.processes_allowed + 1

    def phase(self, name: str) -> dict[str, Any] | None:
        return next((m for m in self.messages if m.get("phase") == name), None)

    def cases(self) -> dict[int, dict[str, Any]]:
        return {m["index"]: m for m in self.messages if m.get("phase") == "case"}


class ForkServer:
    """Handle on the fork server process and its socket."""

    def __init__(self, *, fork: bool, warm: bool = True) -> None:
        parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.proc: subprocess.Popen | None = None
        if fork:
            pid = os.fork()
            if pid == 0:  # the fork server: holds torch and nothing else of ours
                parent.close()
                try:
                    forkserver.serve(child, warm=warm)
                finally:
                    os._exit(0)
            self.pid = pid
        else:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "game.engine.forkserver", str(child.fileno())],
                pass_fds=[child.fileno()], stdin=subprocess.DEVNULL,
                cwd=str(Path(__file__).resolve().parents[2]))
            self.pid = self.proc.pid
        child.close()
        self.sock = parent

    def alive(self) -> bool:
        try:
            pid, _ = os.waitpid(self.pid, os.WNOHANG)
        except ChildProcessError:
            return False
        return pid == 0

    def rss_kib(self) -> int | None:
        """The fork server's resident size: what a child shares with it from its first moment."""
        try:
            with open(f"/proc/{self.pid}/statm", "rb") as fh:
                return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
        except (OSError, ValueError, IndexError):
            return None

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.close()
        with contextlib.suppress(OSError):
            os.kill(self.pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError, OSError):
            os.waitpid(self.pid, 0)


def request(spec: Any, device: str, *, seccomp: bool = True, confine: bool = True,
            tmp_root: str | None = None) -> dict[str, Any]:
    """What the fork server needs to start the child of a puzzle (`spec`: its PuzzleSpec). The
    sandbox reads `processes` and `network` from the puzzle's rules."""
    return {"cpu_s": max(1.0, spec.limits.wall_s - 1), "memory_mb": spec.limits.memory_mb,
            "device": device, "tmp_root": tmp_root,
            # A puzzle that teaches multiprocessing declares it; only then may a child fork.
            "seccomp": seccomp and spec.rules.processes == 0,
            "processes": spec.rules.processes, "network": spec.rules.network,
            "confine": confine, "measure_memory": spec.limits.max_peak_mb is not None}


def kill(pid: int) -> None:
    """SIGKILL the child's process group and the child."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(pid, signal.SIGKILL)


def _raise_in(thread: threading.Thread, exc: type[BaseException]) -> None:
    """Interrupt Python code running on `thread` (at its next bytecode) with `exc`."""
    if thread.ident is not None:
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread.ident),
                                                   ctypes.py_object(exc))


def call_with_deadline(fn: Callable[[], T], timeout: float) -> T:
    """`fn()` on a worker thread; DeadlineExceeded when it has not returned after `timeout`
    seconds (the worker is interrupted at its next bytecode; a single native call runs on)."""
    box: dict[str, Any] = {}

    def work() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 - handed to the caller
            box["error"] = exc

    worker = threading.Thread(target=work, name="torchenstein-deadline", daemon=True)
    worker.start()
    worker.join(max(0.0, timeout))
    if worker.is_alive():
        _raise_in(worker, DeadlineExceeded)
        raise DeadlineExceeded()
    if "error" in box:
        if isinstance(box["error"], DeadlineExceeded):
            raise DeadlineExceeded()
        raise box["error"]
    return box["value"]


class _Decoder:
    """Decodes payloads on its own thread, in order; stops at the first bad frame."""

    def __init__(self, out: Outcome) -> None:
        self.out = out
        self.queue: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self.error: str | None = None
        self.seen: set[tuple[str, Any]] = set()
        self.messages: list[dict[str, Any]] = []
        self.thread = threading.Thread(target=self._loop, name="torchenstein-decoder",
                                       daemon=True)
        self.thread.start()

    def _loop(self) -> None:
        try:
            while (payload := self.queue.get()) is not None and self.error is None:
                try:
                    message = wire.decode_phase(payload)
                    key = (message["phase"], message.get("index"))
                    if key in self.seen:
                        raise wire.WireError(f"a `{key[0]}` message came twice")
                    self.seen.add(key)
                    self.messages.append(message)
                except wire.WireError as exc:
                    self.error = str(exc)
        except DeadlineExceeded:
            self.error = "the results took too long to read"

    def finish(self, by: float) -> None:
        """Wait for the queued frames until the monotonic time `by`, then give up on them."""
        self.queue.put(None)
        self.thread.join(max(0.0, by - time.monotonic()))
        if self.thread.is_alive():
            self.error = self.error or "the results took too long to read"
            _raise_in(self.thread, DeadlineExceeded)
        self.out.messages = list(self.messages)  # a copy: a late decode changes nothing now


SAMPLE_S = 0.001


def _sample_private(pid: int, decoder: _Decoder, ended: threading.Event, out: Outcome) -> None:
    """The child's private resident memory, read from /proc every millisecond once it has said
    hello (before that, the set-up's own buffers come and go). Memory a submission allocates
    outside the tensor meter (numpy, other threads, raw buffers) is resident while it is used,
    so it shows here unless it lives for less than a sample's interval."""
    while not ended.wait(SAMPLE_S):
        if ("hello", None) not in decoder.seen:
            continue
        now = sandbox.private_kib(pid)
        if now is None:
            return
        if out.private_peak_kib is None or now > out.private_peak_kib:
            out.private_peak_kib = now


class Supervisor:
    """Runs children through the fork server, one at a time."""

    def __init__(self, server: ForkServer) -> None:
        self.server = server
        self.current: int | None = None

    def ensure_server(self) -> None:
        if not self.server.alive():
            self.server.close()
            self.server = ForkServer(fork=False)

    def _request(self, req: dict[str, Any], job: bytes) -> tuple[int, int, int, int]:
        """Send `req` with the child's three pipes; our ends: job (write), results, output, and
        how much of `job` is already in its pipe (as much as fits: the child reads it as soon
        as it exists, without waiting for our turn to write)."""
        job_r, job_w = os.pipe()
        res_r, res_w = os.pipe()
        io_r, io_w = os.pipe()
        for fd in (job_w, res_w):
            # Big inputs and outputs cross in fewer round trips (each one a context switch).
            with contextlib.suppress(OSError):
                fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, 1 << 20)
        os.set_blocking(job_w, False)
        try:
            written = os.write(job_w, memoryview(job)[:1 << 20]) if job else 0
        except BlockingIOError:
            written = 0
        try:
            socket.send_fds(self.server.sock, [json.dumps(req).encode()], [job_r, res_w, io_w])
        except OSError:
            for fd in (job_w, res_r, io_r):
                os.close(fd)
            raise
        finally:
            for fd in (job_r, res_w, io_w):
                os.close(fd)
        return job_w, res_r, io_r, written

    def run(self, job: bytes, req: dict[str, Any], *, wall_s: float, output_cap: int,
            cancel: threading.Event) -> Outcome:
        """One child: `job` in, an Outcome out. Raises Cancelled when `cancel` was set."""
        self.ensure_server()
        job_w, res_r, io_r, written = self._request(req, job)
        out = Outcome()
        server = self.server
        try:
            reply = json.loads(server.sock.recv(1 << 16))
        except BaseException:
            for fd in (job_w, res_r, io_r):
                os.close(fd)
            raise
        pid = reply["pid"]
        self.current = pid
        out.base_rss_kib = server.rss_kib()  # what the child shares from its first moment
        start = time.monotonic()
        deadline = start + wall_s
        ended = threading.Event()

        def watchdog() -> None:
            # Independent of reading and decoding: the child dies at its deadline, or at once
            # when the run is cancelled.
            while not ended.wait(0.02):
                if cancel.is_set() or time.monotonic() > deadline:
                    out.cancelled = cancel.is_set()
                    out.timed_out = not out.cancelled
                    out.killed = True
                    kill(pid)
                    return

        dog = threading.Thread(target=watchdog, name="torchenstein-watchdog", daemon=True)
        dog.start()
        decoder = _Decoder(out)
        if req.get("measure_memory"):
            threading.Thread(target=_sample_private, args=(pid, decoder, ended, out),
                             name="torchenstein-meter", daemon=True).start()
        reader = wire.FrameReader()
        try:
            self._pump(pid, memoryview(job)[written:], job_w, res_r, io_r, out, reader, decoder,
                       output_cap)
        finally:
            ended.set()
            self.current = None
        out.cancelled = out.cancelled or cancel.is_set()  # `Judge.cancel` may have killed it
        decoder.finish(by=max(time.monotonic() + 0.1, deadline + DECODE_SLACK_S))
        if decoder.error and not out.garbled:
            out.garbled = decoder.error
        if reader.partial and not out.garbled and not out.killed and out.exit_code == 0:
            out.garbled = "a result message was cut off"
        out.wall_ms = int((time.monotonic() - start) * 1000)
        if out.cancelled:
            raise Cancelled()
        return out

    def _pump(self, pid: int, job: memoryview, job_w: int, res_r: int, io_r: int,
              out: Outcome, reader: Any, decoder: _Decoder, output_cap: int) -> None:
        """Move bytes until the child has ended and its pipes are drained."""
        server = self.server
        sel = selectors.DefaultSelector()
        for fd in (job_w, res_r, io_r):
            os.set_blocking(fd, False)
        pending = job
        open_fds = {job_w, res_r, io_r}
        if pending:
            sel.register(job_w, selectors.EVENT_WRITE, "job")
        else:  # all of it is in the pipe already
            os.close(job_w)
            open_fds.discard(job_w)
        sel.register(res_r, selectors.EVENT_READ, "res")
        sel.register(io_r, selectors.EVENT_READ, "io")
        sel.register(server.sock, selectors.EVENT_READ, "exit")
        exit_at: float | None = None

        def stop() -> None:
            out.killed = True
            kill(pid)

        try:
            while True:
                if exit_at is not None and (not (open_fds - {job_w})
                                            or time.monotonic() > exit_at + GRACE_S):
                    break
                if decoder.error and not out.killed:
                    stop()  # a bad frame: the verdict is made, the child need not go on
                for key, _ in sel.select(0.05):
                    what = key.data
                    if what == "job":
                        try:
                            n = os.write(job_w, pending[:1 << 20])
                            pending = pending[n:]
                        except BlockingIOError:
                            continue
                        except BrokenPipeError:
                            pending = pending[:0]
                        if not pending:
                            sel.unregister(job_w)
                            os.close(job_w)
                            open_fds.discard(job_w)
                    elif what in ("res", "io"):
                        try:
                            chunk = os.read(key.fd, 1 << 20)
                        except BlockingIOError:
                            continue
                        if not chunk:
                            sel.unregister(key.fd)
                            os.close(key.fd)
                            open_fds.discard(key.fd)
                        elif what == "res" and not out.garbled:
                            try:
                                for payload in reader.feed(chunk):
                                    decoder.queue.put(payload)
                            except wire.WireError as exc:
                                out.garbled = str(exc)
                                stop()
                        elif what == "io":
                            room = output_cap - len(out.stdio)
                            out.stdio += chunk[:max(0, room)]
                            if len(chunk) > room and not out.killed:
                                out.stdio_overflow = True
                                stop()
                    elif what == "exit":
                        try:
                            info = json.loads(server.sock.recv(1 << 16))
                        except (OSError, ValueError):  # the fork server is gone
                            out.server_lost, info = True, {}
                            stop()
                        self._exit_info(out, info)
                        exit_at = time.monotonic()
                        sel.unregister(server.sock)
        finally:
            sel.close()
            for fd in open_fds:
                with contextlib.suppress(OSError):
                    os.close(fd)
            if exit_at is None:
                kill(pid)
                self._await_exit(out)

    @staticmethod
    def _exit_info(out: Outcome, info: dict[str, Any]) -> None:
        """The fork server's report: it measured these from outside the child."""
        code = info.get("exit_code")
        out.exit_code = code if type(code) is int else None
        for name in ("cpu_ns", "maxrss_kib", "processes", "processes_allowed"):
            value = info.get(name)
            if type(value) is int and value >= 0:
                setattr(out, name, value)
        out.quota_exceeded = info.get("quota_exceeded") is True

    def _await_exit(self, out: Outcome) -> None:
        self.server.sock.settimeout(10)
        try:
            self._exit_info(out, json.loads(self.server.sock.recv(1 << 16)))
        except (OSError, ValueError):
            self.server.close()
        finally:
            with contextlib.suppress(OSError):
                self.server.sock.settimeout(None)
