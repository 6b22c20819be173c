"""The judge: trusted, long-lived, torch preloaded. It builds the cases from a private generator,
computes the reference on clones, runs each submission in a fresh sandboxed child forked by the
fork server, compares what comes back and writes the verdict.
"""

from __future__ import annotations

import contextlib
import fcntl
import importlib.util
import io
import json
import os
import secrets
import selectors
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from game.core.content import Catalog, ContentError, Puzzle, load_catalog
from game.core.models import PuzzleSpec
from game.core.result import ConstraintResult, Metrics, Result, Status, TestResult, worst
from game.engine import forkserver, sandbox
from game.engine.checks import Case, Check, Context, summarise_inputs
from game.engine.compare import Mismatch, compare, describe, sanitize
from game.engine.rules import banned_name, count_lines

MAX_FRAME = 1 << 30
MIN_TIMED_NS = 20_000_000  # the reference time below which no speed ratio is reported
GRACE_S = 0.5


def time_limit_message(limit_s: float, test: str | None) -> str:
    """The one wording of a time limit, whichever clock (wall or CPU) stopped the run."""
    where = f" while running test '{test}'" if test else ""
    return (f"Stopped at the {limit_s:g} s time limit{where}. Does your code loop forever? "
            "Check that every loop ends (a `while` whose condition never changes never does) "
            "and that no function calls itself without end.")


class Cancelled(Exception):
    """The run was cancelled (the child was killed); there is no verdict."""


@dataclass
class Outcome:
    """What came back from one child."""

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
    quota_exceeded: bool = False  # the fork server found the run folder (or /dev/shm) full

    def phase(self, name: str) -> dict[str, Any] | None:
        return next((m for m in self.messages if m.get("phase") == name), None)

    def cases(self) -> dict[int, dict[str, Any]]:
        return {m["index"]: m for m in self.messages if m.get("phase") == "case"
                and type(m.get("index")) is int}


class ForkServer:
    """Handle on the fork server process and its socket."""

    def __init__(self, *, fork: bool) -> None:
        parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.proc: subprocess.Popen | None = None
        if fork:
            pid = os.fork()
            if pid == 0:  # the fork server: holds torch and nothing else of ours
                parent.close()
                try:
                    forkserver.serve(child)
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

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.close()
        with contextlib.suppress(OSError):
            os.kill(self.pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError, OSError):
            os.waitpid(self.pid, 0)


def _load_check(puzzle: Puzzle) -> Check:
    path = puzzle.file("check.py")
    name = f"torchenstein_check_{puzzle.id.replace('.', '_')}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ContentError(path, "cannot be imported")
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as exc:  # noqa: BLE001 - an author's mistake, reported with the file
        raise ContentError(path, f"failed to import: {type(exc).__name__}: {exc}") from None
    check = getattr(module, "CHECK", None)
    if not isinstance(check, Check):
        raise ContentError(path, "must define `CHECK = Check(...)`")
    return check


def _clone(value: Any) -> Any:
    if type(value) is torch.Tensor:
        return value.detach().clone()
    if type(value) in (tuple, list):
        return type(value)(_clone(v) for v in value)
    return value


def _float_leaves(value: Any) -> list[torch.Tensor]:
    if type(value) is torch.Tensor:
        return [value] if value.is_floating_point() else []
    if type(value) in (tuple, list):
        return [t for v in value for t in _float_leaves(v)]
    return []


def _signal_name(code: int) -> str:
    try:
        return signal.Signals(-code).name
    except ValueError:
        return f"signal {-code}"


@dataclass
class _Prepared:
    case: Case
    expected: Any
    grads: list[Any] | None
    upstream: Any
    ref_ns: int


class Judge:
    """Verifies submissions. One submission at a time; `cancel()` may be called from any
    thread to kill the running child."""

    def __init__(self, catalog: Catalog | None = None, *, device: str = "auto",
                 seccomp: bool = True, confine: bool = True,
                 tmp_root: str | None = None) -> None:
        self.catalog = catalog or load_catalog()
        self.device = device
        self.seccomp = seccomp
        self.confine = confine
        self.tmp_root = tmp_root
        self._checks: dict[str, Check] = {}
        self._lock = threading.Lock()
        self._current: int | None = None
        self._cancel = threading.Event()
        sandbox.not_dumpable()
        # Forked now, before any case or reference exists in this process's memory.
        self._server = ForkServer(fork=True)

    # -- lifecycle -----------------------------------------------------------------------------
    def close(self) -> None:
        self.cancel()
        self._server.close()

    def __enter__(self) -> Judge:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def cancel(self) -> bool:
        """Kill the running child, if any. True when something was running."""
        self._cancel.set()
        pid = self._current
        if pid is None:
            return False
        self._kill(pid)
        return True

    def kill_if_running(self, token: threading.Event | None) -> None:
        """Kill the running child if it belongs to the run whose cancel event is `token`."""
        if token is not None and token is self._cancel and self._current is not None:
            self._kill(self._current)

    @staticmethod
    def _kill(pid: int) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)

    def check_for(self, puzzle: Puzzle) -> Check:
        if puzzle.id not in self._checks:
            self._checks[puzzle.id] = _load_check(puzzle)
        return self._checks[puzzle.id]

    # -- verification --------------------------------------------------------------------------
    def verify(self, puzzle_id: str, source: str | bytes, *, quick: bool = False,
               device: str | None = None, seed: int | None = None,
               cancel: threading.Event | None = None) -> Result:
        """Judge `source` against puzzle `puzzle_id`. Raises KeyError for an unknown puzzle and
        Cancelled when `cancel()` (or the `cancel` event, which may be set before the run even
        starts) interrupted it; every other outcome is a Result."""
        puzzle = self.catalog.puzzle(puzzle_id)
        with self._lock:
            self._cancel = cancel or threading.Event()
            started = time.monotonic()
            try:
                result = self._verify(puzzle, source, quick=quick, device=device or self.device,
                                      seed=secrets.randbelow(2**31) if seed is None else seed)
            except (Cancelled, KeyError):
                raise
            except ContentError as exc:
                result = self._internal(puzzle, f"puzzle files are broken: {exc}")
            except Exception as exc:  # noqa: BLE001 - never blame the player for our fault
                result = self._internal(puzzle, f"{type(exc).__name__}: {exc}")
            result.duration_ms = int((time.monotonic() - started) * 1000)
            result.quick = quick
            return result

    @staticmethod
    def _internal(puzzle: Puzzle, detail: str) -> Result:
        return Result(puzzle=puzzle.id, status=Status.INTERNAL_ERROR,
                      message=f"The checker failed; this is not your fault. ({detail})")

    def _verify(self, puzzle: Puzzle, source: str | bytes, *, quick: bool, device: str,
                seed: int) -> Result:
        spec = puzzle.spec
        limit = spec.limits.source_kib * 1024
        if isinstance(source, bytes):
            if len(source) > limit:
                return self._too_big(puzzle, len(source), limit)
            try:
                source = source.decode("utf-8")
            except UnicodeDecodeError as exc:
                return Result(puzzle=puzzle.id, status=Status.SYNTAX_ERROR,
                              message=f"The file is not UTF-8 text ({exc.reason} at byte "
                              f"{exc.start}).")
        source = source.removeprefix("\ufeff")  # a byte-order mark, as some editors write
        if len(source.encode("utf-8", "surrogatepass")) > limit:
            return self._too_big(puzzle, len(source.encode("utf-8", "surrogatepass")), limit)
        check = self.check_for(puzzle)
        gen = torch.Generator().manual_seed(seed)
        cases = list(check.cases(gen))
        if quick:
            cases = [c for c in cases if c.example] or cases[:2]
        prepared = [self._prepare(check, c, gen, spec.kind) for c in cases]
        rules = {**spec.rules.model_dump(), "lockdown": spec.rules.locked_down}
        if rules["allowed_names"] is not None:
            rules["allowed_names"] = [*rules["allowed_names"], *check.inject]
        harness = puzzle.file("harness.py")
        job = {
            "harness": harness.read_text(encoding="utf-8") if harness.is_file() else None,
            "source": source, "entry": spec.entry, "kind": spec.kind, "rules": rules,
            "signature": spec.signature, "device": device, "inject": list(check.inject),
            "output_cap": spec.limits.output_kib * 1024,
            "return_inputs": check.check_mutation,
            "measure_memory": spec.limits.max_peak_mb is not None,
            "cases": [{"args": p.case.args, "grad": p.grads is not None,
                       "upstream": p.upstream, "on_device": check.inputs_on_device,
                       "init": p.case.init, "state": p.case.state, "machine": p.case.machine}
                      for p in prepared],
        }
        buf = io.BytesIO()
        torch.save(job, buf)
        outcome = self._run(buf.getvalue(), spec, device)
        return self._decide(puzzle, check, prepared, outcome, source, seed)

    @staticmethod
    def _too_big(puzzle: Puzzle, size: int, limit: int) -> Result:
        return Result(puzzle=puzzle.id, status=Status.SYNTAX_ERROR,
                      message=f"The file is {size:,} bytes; submissions may be at most "
                      f"{limit:,} bytes.")

    def _prepare(self, check: Check, case: Case, gen: torch.Generator,
                 kind: str = "function") -> _Prepared:
        want_grad = check.grad if case.grad is None else case.grad
        args = _clone(case.args)
        leaves = _float_leaves(args) if want_grad else []
        for t in leaves:
            t.requires_grad_(True)
        expected, grads, upstream = None, None, None
        ref_ns = 0  # no reference, no time ratio
        if check.reference is not None:
            call = case.build(check.reference) if kind == "class" else check.reference
            start = time.perf_counter_ns()
            expected = call(*args)
            ref_ns = time.perf_counter_ns() - start
        if leaves and check.reference is not None:
            outs = [expected] if type(expected) is torch.Tensor else _float_leaves(expected)
            outs = [o for o in outs if o.requires_grad]
            if outs:
                upstream_list = [torch.randn(o.shape, generator=gen, dtype=o.dtype) for o in outs]
                got = torch.autograd.grad(outs, leaves, upstream_list, allow_unused=True)
                grads = [g.detach() if g is not None else None for g in got]
                upstream = upstream_list[0] if len(upstream_list) == 1 else tuple(upstream_list)
        return _Prepared(case, _detach(expected), grads, upstream, ref_ns)

    # -- the child -----------------------------------------------------------------------------
    def _ensure_server(self) -> None:
        if not self._server.alive():
            self._server.close()
            self._server = ForkServer(fork=False)

    def _run(self, job: bytes, spec: PuzzleSpec, device: str) -> Outcome:
        self._ensure_server()
        out = Outcome()
        job_r, job_w = os.pipe()
        res_r, res_w = os.pipe()
        io_r, io_w = os.pipe()
        for fd in (job_w, res_w):
            # Big inputs and outputs cross in fewer round trips (each one a context switch).
            with contextlib.suppress(OSError):
                fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, 1 << 20)
        wall_s, output_cap = spec.limits.wall_s, spec.limits.output_kib * 1024
        req = {"cpu_s": max(1.0, wall_s - 1), "memory_mb": spec.limits.memory_mb,
               "device": device, "tmp_root": self.tmp_root,
               # A puzzle that teaches multiprocessing declares it; only then may a child fork.
               "seccomp": self.seccomp and spec.rules.processes == 0,
               "processes": spec.rules.processes, "network": spec.rules.network,
               "confine": self.confine, "measure_memory": spec.limits.max_peak_mb is not None}
        server = self._server
        try:
            socket.send_fds(server.sock, [json.dumps(req).encode()], [job_r, res_w, io_w])
            reply = json.loads(server.sock.recv(1 << 16))
        finally:
            for fd in (job_r, res_w, io_w):
                os.close(fd)
        pid = reply["pid"]
        self._current = pid
        if self._cancel.is_set():
            self._kill(pid)
        start = time.monotonic()
        deadline = start + wall_s
        sel = selectors.DefaultSelector()
        for fd in (job_w, res_r, io_r):
            os.set_blocking(fd, False)
        sel.register(job_w, selectors.EVENT_WRITE, "job")
        sel.register(res_r, selectors.EVENT_READ, "res")
        sel.register(io_r, selectors.EVENT_READ, "io")
        sel.register(server.sock, selectors.EVENT_READ, "exit")
        pending = memoryview(job)
        frames = bytearray()
        open_fds = {job_w, res_r, io_r}
        exit_at: float | None = None
        killed = False
        try:
            while True:
                now = time.monotonic()
                if exit_at is not None and (not (open_fds - {job_w}) or now > exit_at + GRACE_S):
                    break
                if not killed and now > deadline:
                    out.timed_out, killed = True, True
                    self._kill(pid)
                if not killed and self._cancel.is_set():
                    out.cancelled, killed = True, True
                    self._kill(pid)
                timeout = max(0.0, min(deadline - now, 0.05)) if not killed else 0.05
                for key, _ in sel.select(timeout):
                    what = key.data
                    if what == "job":
                        try:
                            n = os.write(job_w, pending[:1 << 20])
                            pending = pending[n:]
                        except (BrokenPipeError, BlockingIOError) as exc:
                            if isinstance(exc, BlockingIOError):
                                continue
                            pending = pending[:0]
                        if not pending:
                            sel.unregister(job_w)
                            os.close(job_w)
                            open_fds.discard(job_w)
                    elif what in ("res", "io"):
                        fd = key.fd
                        try:
                            chunk = os.read(fd, 1 << 20)
                        except BlockingIOError:
                            continue
                        if not chunk:
                            sel.unregister(fd)
                            os.close(fd)
                            open_fds.discard(fd)
                            continue
                        if what == "res":
                            frames += chunk
                            self._parse_frames(frames, out)
                            if out.garbled and not killed:
                                killed = True
                                self._kill(pid)
                        else:
                            room = output_cap - len(out.stdio)
                            out.stdio += chunk[:max(0, room)]
                            if len(chunk) > room and not killed:
                                out.stdio_overflow, killed = True, True
                                self._kill(pid)
                    elif what == "exit":
                        try:
                            info = json.loads(server.sock.recv(1 << 16))
                        except (OSError, ValueError):  # the fork server is gone
                            out.server_lost, info = True, {}
                            killed = True
                            self._kill(pid)
                        out.exit_code = info.get("exit_code")
                        out.quota_exceeded = info.get("quota_exceeded") is True
                        exit_at = time.monotonic()
                        sel.unregister(server.sock)
        finally:
            sel.close()
            for fd in open_fds:
                with contextlib.suppress(OSError):
                    os.close(fd)
            if exit_at is None:
                self._kill(pid)
                self._await_exit(out)
            self._current = None
        out.wall_ms = int((time.monotonic() - start) * 1000)
        out.killed = killed
        if out.cancelled:
            raise Cancelled()
        return out

    def _await_exit(self, out: Outcome) -> None:
        self._server.sock.settimeout(10)
        try:
            info = json.loads(self._server.sock.recv(1 << 16))
            out.exit_code = info.get("exit_code")
            out.quota_exceeded = info.get("quota_exceeded") is True
        except (OSError, ValueError):
            self._server.close()
        finally:
            with contextlib.suppress(OSError):
                self._server.sock.settimeout(None)

    @staticmethod
    def _parse_frames(frames: bytearray, out: Outcome) -> None:
        while len(frames) >= 8 and not out.garbled:
            (size,) = struct.unpack("<Q", frames[:8])
            if size > MAX_FRAME:
                out.garbled = "a result message was larger than 1 GiB"
                return
            if len(frames) < 8 + size:
                return
            data = bytes(frames[8:8 + size])
            del frames[:8 + size]
            try:
                # Sparse tensors are validated while loading (forged indices raise here).
                with torch.sparse.check_sparse_tensor_invariants():
                    message = sanitize(torch.load(io.BytesIO(data), weights_only=True))
            except Exception as exc:  # noqa: BLE001 - untrusted bytes: refuse, never unpickle
                out.garbled = f"the result channel carried something other than plain data " \
                              f"({type(exc).__name__})"
                return
            if not isinstance(message, dict):
                out.garbled = "the result channel carried an unexpected message"
                return
            out.messages.append(message)

    # -- the verdict ---------------------------------------------------------------------------
    def _decide(self, puzzle: Puzzle, check: Check, prepared: list[_Prepared], out: Outcome,
                source: str, seed: int) -> Result:
        spec = puzzle.spec
        hello = out.phase("hello") or {}
        device_msg = out.phase("device")
        device = device_msg["device"] if device_msg else "cpu"
        result = Result(puzzle=puzzle.id, status=Status.PASS, message="", device=device)
        result.metrics = Metrics(lines=count_lines(source, spec.entry))
        static = out.phase("static")
        if static:
            result.metrics.chars = static.get("chars")
        statuses: list[Status] = []
        messages: dict[Status, str] = {}

        def flag(status: Status, message: str) -> None:
            statuses.append(status)
            messages.setdefault(status, message)

        code = out.exit_code
        case_msgs = out.cases()
        running_case = len(case_msgs)
        if out.timed_out:
            at = prepared[running_case].case.name if running_case < len(prepared) else None
            flag(Status.TIME_LIMIT, time_limit_message(spec.limits.wall_s, at))
        elif code is not None and code < 0 and -code == signal.SIGXCPU:
            at = prepared[running_case].case.name if running_case < len(prepared) else None
            flag(Status.TIME_LIMIT, time_limit_message(spec.limits.wall_s, at))
        if out.stdio_overflow or out.phase("output_limit"):
            flag(Status.OUTPUT_LIMIT, f"Printed more than {spec.limits.output_kib} KiB; the "
                 "output was cut off. Print less (a shape, a few values) and try again.")
        if out.quota_exceeded:
            flag(Status.OUTPUT_LIMIT, "Wrote more files than the run folder holds "
                 f"({sandbox.QUOTA_MB} MiB in all). Save less, or overwrite one file.")
        syntax = out.phase("syntax")
        if syntax:
            where = f" (line {syntax['line']})" if syntax.get("line") else ""
            flag(Status.SYNTAX_ERROR, f"Python cannot read your file{where}: "
                 f"{syntax.get('message')}")
        if static:
            for f in static.get("findings", []):
                result.constraints.append(ConstraintResult(
                    rule=str(f["rule"]), status="fail", line=f.get("line"), col=f.get("col"),
                    message=str(f["message"])))
            if result.constraints:
                first = result.constraints[0]
                flag(Status.CONSTRAINT_VIOLATION, f"Line {first.line}: {first.message}"
                     if first.line else first.message)
            if static.get("entry_error") and not result.constraints:
                flag(Status.RUNTIME_ERROR, f"{static['entry_error'][0].upper()}"
                     f"{static['entry_error'][1:]}: `{spec.signature}`.")
        if (err := out.phase("harness_error")):
            flag(Status.INTERNAL_ERROR, f"The puzzle's harness.py failed to load: "
                 f"{err.get('message')}")
        if (err := out.phase("device_error")):
            flag(Status.RUNTIME_ERROR, str(err.get("message")))
        if (mod := out.phase("module_error")) and isinstance(mod.get("loop"), dict):
            self._trace_rules(spec.rules, [], True, result, flag, mod["loop"])
        elif mod:
            result.traceback = str(mod.get("traceback"))
            if mod.get("kind") == "memory":
                flag(Status.MEMORY_LIMIT, "Ran out of memory while loading your file (limit: "
                     f"{spec.limits.memory_mb} MiB beyond what torch itself uses).")
            else:
                flag(Status.RUNTIME_ERROR, "Your file raised an error while loading:\n"
                     + result.traceback)
        if (sig := out.phase("signature")):
            flag(Status.RUNTIME_ERROR, str(sig.get("message")))
        loaded = out.phase("loaded")
        if loaded:
            self._trace_rules(spec.rules, loaded.get("calls", []), loaded.get("traced", True),
                              result, flag, loaded.get("loop"))
        if out.garbled:
            flag(Status.RUNTIME_ERROR, f"Your code interfered with the result channel: "
                 f"{out.garbled}.")
        if out.server_lost:
            flag(Status.RUNTIME_ERROR, "The process that supervises your code died while it "
                 "ran; the checker restarts it. Nothing in a submission may signal other "
                 "processes.")
        if (code is not None and code < 0 and not out.killed and -code != signal.SIGXCPU
                and not out.quota_exceeded):  # killed by the fork server for its quota
            if -code == signal.SIGKILL:
                flag(Status.MEMORY_LIMIT, "The process was killed by the system, most likely "
                     "for using too much memory.")
            elif -code == signal.SIGXFSZ:
                flag(Status.OUTPUT_LIMIT, "Wrote a file larger than the limit.")
            else:
                flag(Status.RUNTIME_ERROR, f"Your code crashed ({_signal_name(code)}).")

        ctx = Context(device=device, cuda_available=bool(hello.get("cuda")),
                      mps_available=bool(hello.get("mps")), seed=seed)
        child_ns = ref_ns = 0
        for i, prep in enumerate(prepared):
            case = prep.case
            test = TestResult(name=case.name, status="not_run", seed=seed,
                              inputs=summarise_inputs(case.args))
            result.tests.append(test)
            msg = case_msgs.get(i)
            if msg is None:
                continue
            test.output = str(msg.get("output_text", ""))[:500]
            self._trace_rules(spec.rules, msg.get("calls", []), msg.get("traced", True),
                              result, flag, msg.get("loop"))
            if isinstance(msg.get("loop"), dict):
                test.status, test.mismatch = "fail", "constraint"
                test.message = "recursion (a loop in disguise) was found while this test ran"
                continue
            if "error" in msg:
                test.status = "error"
                test.message = str(msg["error"])
                if case.machine:
                    test.message += ("\n(This test ran on an imagined machine: only torch's "
                                     "questions about which devices exist were imagined, so "
                                     "code that uses the device itself fails here.)")
                if msg.get("kind") == "memory":
                    flag(Status.MEMORY_LIMIT, f"Ran out of memory in test '{case.name}' (limit: "
                         f"{spec.limits.memory_mb} MiB beyond what torch itself uses).")
                else:
                    result.traceback = result.traceback or test.message
                    flag(Status.RUNTIME_ERROR, f"Test '{case.name}' raised an error:\n"
                         f"{test.message}")
                continue
            mismatch = self._judge_case(check, prep, msg, ctx)
            spent = msg.get("time_ns")
            child_ns += spent if type(spent) is int and spent > 0 else 0
            ref_ns += prep.ref_ns
            if mismatch is None:
                test.status = "pass"
                test.expected = describe(prep.expected) if check.evaluate is None else ""
                test.actual = describe(msg.get("output"))
                continue
            test.status = "fail"
            test.mismatch = mismatch.kind
            # A case's note explains what it returns; beside a wrong container or a changed
            # input it would only mislead.
            note = case.note if case.note and mismatch.kind not in ("type", "mutated") else ""
            test.message = mismatch.message + (f" — {note}" if note else "")
            test.expected = mismatch.expected or describe(prep.expected)
            test.actual = mismatch.actual or describe(msg.get("output"))
            flag(Status.WRONG_ANSWER, f"Test '{case.name}' failed: {test.message}")

        params = [m["params"] for m in case_msgs.values() if type(m.get("params")) is int]
        if params:
            result.metrics.params = max(params)
            budget = spec.limits.max_params
            if budget is not None and max(params) > budget and not statuses:
                text = (f"Correct, but your model has {max(params):,} parameters; the budget "
                        f"is {budget:,}.")
                for test in result.tests:
                    test.mismatch, test.status, test.message = "budget", "fail", text
                flag(Status.WRONG_ANSWER, text)
        peaks = [m["peak_bytes"] for m in case_msgs.values() if type(m.get("peak_bytes")) is int]
        if peaks:
            result.metrics.peak_bytes = max(peaks)
            budget = spec.limits.max_peak_mb
            if budget and max(peaks) > budget * 2**20 and not statuses:
                measured = [m for m in case_msgs.values()
                            if type(m.get("peak_bytes")) is int and 0 <= m["index"] < len(prepared)]
                worst_case = max(measured, key=lambda m: m["peak_bytes"])
                name = prepared[worst_case["index"]].case.name
                text = (f"Correct, but test '{name}' held {max(peaks) / 2**20:.1f} MiB of live "
                        f"tensors at its peak; the budget is {budget:g} MiB.")
                result.tests[worst_case["index"]].mismatch = "budget"
                result.tests[worst_case["index"]].status = "fail"
                result.tests[worst_case["index"]].message = text
                flag(Status.WRONG_ANSWER, text)
        limit = spec.limits.max_time_ratio
        # Below a few milliseconds a ratio measures warm-up and noise, not the code: it is only
        # shown when the reference took long enough, or when a budget asks for it.
        if ref_ns > 0 and child_ns > 0 and (limit or ref_ns >= MIN_TIMED_NS):
            result.metrics.time_ratio = round(child_ns / ref_ns, 2)
            if limit and result.metrics.time_ratio > limit and not statuses:
                flag(Status.WRONG_ANSWER, f"Correct, but {result.metrics.time_ratio:g}× slower "
                     f"than the reference (the budget is {limit:g}×).")
        finished = out.phase("done") is not None
        if not statuses and not finished:
            flag(Status.NO_RESULT, "Your code ended the process before returning a result "
                 "(sys.exit, os._exit or similar). Return the value instead.")
        if not statuses and any(t.status != "pass" for t in result.tests):
            flag(Status.NO_RESULT, "Some tests produced no result.")
        result.figures = list(ctx.figures)
        result.status = worst(statuses)
        if result.status is Status.PASS:
            n = len(result.tests)
            result.message = f"All {n} test{'s' if n != 1 else ''} passed."
        else:
            result.message = messages[result.status]
        if not result.constraints and static and result.status is not Status.SYNTAX_ERROR:
            result.constraints.append(ConstraintResult(rule="rules", status="pass",
                                                       message="no rule broken"))
        return result

    @staticmethod
    def _trace_rules(rules: Any, calls: list[str], traced: bool, result: Result, flag,
                     loop: Any = None) -> None:
        if isinstance(loop, dict):
            text = (f"`{loop.get('name')}` called itself while it was running (recursion is a "
                    "loop in disguise and is not allowed here)")
            if not any(c.message == text for c in result.constraints):
                line = loop.get("line")
                result.constraints.append(ConstraintResult(
                    rule="loop", status="fail", message=text,
                    line=line if isinstance(line, int) else None))
            at = loop.get("line")
            flag(Status.CONSTRAINT_VIOLATION, f"Line {at}: {text}." if isinstance(at, int)
                 else text[0].upper() + text[1:] + ".")
        if not rules.locked_down:
            return
        names = [str(c) for c in calls]
        if not traced:
            result.constraints.append(ConstraintResult(
                rule="tracer", status="fail",
                message="the call tracer was switched off: the rules cannot be checked"))
            flag(Status.CONSTRAINT_VIOLATION, "Your code switched off the call tracer, so the "
                 "rules cannot be checked.")
        for name in names:
            banned = banned_name(name, rules.banned) is not None
            outside = rules.allowed_traced is not None and name not in rules.allowed_traced
            if banned or outside:
                tip = rules.suggestions.get(banned_name(name, rules.banned) or name, "")
                text = f"`{name}` was called at run time and is not allowed here" + (
                    f": {tip}" if tip else "")
                if not any(c.message == text for c in result.constraints):
                    result.constraints.append(ConstraintResult(rule="banned_call", status="fail",
                                                               message=text))
                flag(Status.CONSTRAINT_VIOLATION, text[0].upper() + text[1:] + ".")

    def _judge_case(self, check: Check, prep: _Prepared, msg: dict[str, Any],
                    ctx: Context) -> Mismatch | None:
        case = prep.case
        got = msg.get("output")
        exact = check.exact if case.exact is None else case.exact
        rtol = case.rtol if case.rtol is not None else check.rtol
        atol = case.atol if case.atol is not None else check.atol
        dev = ctx.device if check.inputs_on_device else None
        if check.evaluate is not None:
            from game.engine.compare import decode

            verdict = check.evaluate(case, prep.expected, decode(got), ctx)
            if isinstance(verdict, str):
                verdict = Mismatch("values", verdict)
            if verdict is not None:
                return verdict
        else:
            found = compare(prep.expected, got, exact=exact, rtol=rtol, atol=atol, device=dev,
                            signed_zeros=check.signed_zeros)
            if found:
                return found
        if check.check_mutation and "inputs_after" in msg:
            after = msg["inputs_after"]
            found = compare(list(_clone(case.args)), after, path="input", exact=True)
            if found:
                return Mismatch("mutated", "your function changed its input "
                                f"({found.message}); work on a copy or use out-of-place "
                                "operations", found.expected, found.actual)
        if prep.grads is not None:
            grads = msg.get("grads")
            if isinstance(grads, dict) and grads.get("__no_graph__"):
                return Mismatch("gradient", "your result is not connected to the autograd "
                                "graph (no grad_fn): did you detach it, compute it under "
                                "torch.no_grad() or torch.inference_mode(), call .item(), or "
                                "build it with torch.tensor(...)?")
            if isinstance(grads, dict) and "__grad_error__" in grads:
                return Mismatch("gradient", f"backward through your result failed: "
                                f"{grads['__grad_error__']}")
            if grads is None:
                return Mismatch("gradient", "no gradient came back from your result")
            expected = [g if g is not None else None for g in prep.grads]
            items = grads.get("items") if isinstance(grads, dict) else None
            if isinstance(items, list) and len(items) == len(expected):
                lost = [i for i, (e, g) in enumerate(zip(expected, items, strict=True))
                        if e is not None and g is None]
                if lost:
                    plain = all(type(a) is torch.Tensor and a.is_floating_point()
                                for a in case.args)
                    which = f"argument {lost[0] + 1} of your function" if plain else \
                        f"input tensor {lost[0] + 1} (of those that need gradients)"
                    return Mismatch("gradient", f"no gradient reached {which}: somewhere "
                                    "between it and your result the graph is cut (a detach(), "
                                    "a value rebuilt from numbers, or a custom backward that "
                                    "returns None for it)")
            found = compare(expected, grads, path="gradient", exact=False, rtol=rtol, atol=atol)
            if found:
                return Mismatch("gradient", found.message + " (compared to autograd through "
                                "the reference, for the same upstream gradient)",
                                found.expected, found.actual)
        return None


def _detach(value: Any) -> Any:
    if type(value) is torch.Tensor:
        return value.detach()
    if type(value) in (tuple, list):
        return type(value)(_detach(v) for v in value)
    if isinstance(value, dict):
        return {k: _detach(v) for k, v in value.items()}
    return value

