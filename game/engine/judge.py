"""The judge: trusted, long-lived, torch preloaded. It builds the cases from a private generator,
computes the reference on clones, runs each submission in a fresh sandboxed child forked by the
fork server (`supervisor`), and turns what comes back into a verdict (`verdict`). Every message
it exchanges with the child goes through `wire`.
"""

from __future__ import annotations

import importlib.util
import io
import secrets
import threading
import time
import tokenize
from typing import Any

import torch

from game.core.content import Catalog, ContentError, Puzzle, load_catalog
from game.core.result import Result, Status
from game.engine import sandbox, wire
from game.engine.checks import Case, Check
from game.engine.gradients import vjp
from game.engine.supervisor import Cancelled, ForkServer, Outcome, Supervisor, kill, request
from game.engine.verdict import Prepared, clone_values, decide, time_limit_message

__all__ = ["Judge", "Cancelled", "ForkServer", "Outcome", "MIN_TIMED_NS", "time_limit_message"]

MIN_TIMED_NS = 20_000_000  # the reference time below which no speed ratio is reported
EVALUATE_SLACK_S = 1.0  # the puzzle's grading may end at most this long after the wall limit


def load_check(puzzle: Puzzle) -> Check:
    """The puzzle's `CHECK`, imported from its check.py (an author's mistake is a ContentError)."""
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


def decode_source(source: str | bytes) -> str:
    """The submission's text, read as Python reads a file: UTF-8 unless a PEP 263 coding line
    says otherwise, a byte-order mark dropped. Raises SyntaxError with a plain message."""
    if isinstance(source, bytes):
        try:
            encoding, _ = tokenize.detect_encoding(io.BytesIO(source).readline)
        except SyntaxError as exc:
            raise SyntaxError(f"{exc.msg}; save the file as UTF-8") from None
        try:
            source = source.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            what = exc.reason if isinstance(exc, UnicodeDecodeError) else str(exc)
            at = f" at byte {exc.start}" if isinstance(exc, UnicodeDecodeError) else ""
            raise SyntaxError(f"The file is not {encoding} text ({what}{at}); save it as "
                              "UTF-8.") from None
    return source.removeprefix("\ufeff")


class Judge:
    """Verifies submissions. One submission at a time; `cancel()` may be called from any
    thread to kill the running child."""

    def __init__(self, catalog: Catalog | None = None, *, device: str = "auto",
                 seccomp: bool = True, confine: bool = True,
                 tmp_root: str | None = None, warm: bool = True) -> None:
        self.catalog = catalog or load_catalog()
        self.device = device
        self.seccomp = seccomp
        self.confine = confine
        self.tmp_root = tmp_root
        self._checks: dict[str, Check] = {}
        self._lock = threading.Lock()
        self._cancel = threading.Event()
        sandbox.not_dumpable()
        if warm:
            # The first backward through some formulas imports torch's symbolic-shapes
            # machinery (sympy and all, ~0.5 s); imported once here, before the fork, the fork
            # server inherits it instead of importing it again beside the judge's first
            # reference. A judge for one verdict (`warm=False`, the CLI) pays it only if a
            # formula needs it.
            import torch.fx.experimental.symbolic_shapes  # noqa: F401
        # Forked now, before any case or reference exists in this process's memory.
        self._supervisor = Supervisor(ForkServer(fork=True, warm=warm))

    @property
    def _server(self) -> ForkServer:
        return self._supervisor.server

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
        pid = self._supervisor.current
        if pid is None:
            return False
        kill(pid)
        return True

    def kill_if_running(self, token: threading.Event | None) -> None:
        """Kill the running child if it belongs to the run whose cancel event is `token`."""
        pid = self._supervisor.current
        if token is not None and token is self._cancel and pid is not None:
            kill(pid)

    def check_for(self, puzzle: Puzzle) -> Check:
        if puzzle.id not in self._checks:
            self._checks[puzzle.id] = load_check(puzzle)
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
        if isinstance(source, bytes) and len(source) > limit:
            return self._too_big(puzzle, len(source), limit)
        try:
            source = decode_source(source)
        except SyntaxError as exc:
            return Result(puzzle=puzzle.id, status=Status.SYNTAX_ERROR, message=str(exc.msg))
        size = len(source.encode("utf-8", "surrogatepass"))
        if size > limit:
            return self._too_big(puzzle, size, limit)
        check = self.check_for(puzzle)
        gen = torch.Generator().manual_seed(seed)
        cases = list(check.cases(gen))
        if quick:
            cases = [c for c in cases if c.example] or cases[:2]
        prepared = [self._prepare(check, c, gen, spec.kind) for c in cases]
        job = wire.encode_frame(self._job(puzzle, check, prepared, source, device))
        req = request(spec, device, seccomp=self.seccomp, confine=self.confine,
                      tmp_root=self.tmp_root)
        outcome = self._supervisor.run(job, req, wall_s=spec.limits.wall_s,
                                       output_cap=spec.limits.output_kib * 1024,
                                       cancel=self._cancel)
        evaluate_by = time.monotonic() + max(EVALUATE_SLACK_S, spec.limits.wall_s
                                             - outcome.wall_ms / 1000 + EVALUATE_SLACK_S)
        return decide(puzzle, check, prepared, outcome, source, seed,
                      min_timed_ns=MIN_TIMED_NS, evaluate_by=evaluate_by)

    @staticmethod
    def _job(puzzle: Puzzle, check: Check, prepared: list[Prepared], source: str,
             device: str) -> dict[str, Any]:
        spec = puzzle.spec
        rules = {**spec.rules.model_dump(), "lockdown": spec.rules.locked_down}
        if rules["allowed_names"] is not None:
            rules["allowed_names"] = [*rules["allowed_names"], *check.inject]
        harness = puzzle.file("harness.py")
        return {
            "harness": harness.read_text(encoding="utf-8") if harness.is_file() else None,
            "source": source, "entry": spec.entry, "kind": spec.kind, "rules": rules,
            "signature": spec.signature, "device": device, "inject": list(check.inject),
            "output_cap": spec.limits.output_kib * 1024,
            "return_inputs": check.check_mutation,
            "measure_memory": spec.limits.max_peak_mb is not None,
            "send_params": spec.limits.max_params is not None,
            "cases": [{"args": p.case.args, "grad": p.grads is not None,
                       "upstream": p.upstream, "on_device": check.inputs_on_device,
                       "init": p.case.init, "state": p.case.state, "machine": p.case.machine}
                      for p in prepared],
        }

    @staticmethod
    def _too_big(puzzle: Puzzle, size: int, limit: int) -> Result:
        return Result(puzzle=puzzle.id, status=Status.SYNTAX_ERROR,
                      message=f"The file is {size:,} bytes; submissions may be at most "
                      f"{limit:,} bytes.")

    @staticmethod
    def _prepare(check: Check, case: Case, gen: torch.Generator,
                 kind: str = "function") -> Prepared:
        """The case's expected value (and input gradients), computed on clones of its inputs."""
        want_grad = check.grad if case.grad is None else case.grad
        args = clone_values(case.args)
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
                got = vjp(outs, leaves, upstream_list)
                grads = [g.detach() if g is not None else None for g in got]
                upstream = upstream_list[0] if len(upstream_list) == 1 else tuple(upstream_list)
        return Prepared(case, _detach(expected), grads, upstream, ref_ns)


def _float_leaves(value: Any) -> list[torch.Tensor]:
    if type(value) is torch.Tensor:
        return [value] if value.is_floating_point() else []
    if type(value) in (tuple, list):
        return [t for v in value for t in _float_leaves(v)]
    return []


def _detach(value: Any) -> Any:
    if type(value) is torch.Tensor:
        return value.detach()
    if type(value) in (tuple, list):
        return type(value)(_detach(v) for v in value)
    if isinstance(value, dict):
        return {k: _detach(v) for k, v in value.items()}
    return value
