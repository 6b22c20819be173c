"""The child side: runs inside the untrusted, sandboxed process forked for one submission.

It parses the player's module and checks the static rules before executing any of it, then runs
the entry point on each case it was sent, tracing the torch functions actually called, and streams
back one framed `torch.save` message per step. It never sees expected values: those stay in the
judge. Everything it reports is treated by the judge as untrusted data.
"""

from __future__ import annotations
import __future__

import builtins
import io
import os
import sys
import threading
import time
import traceback
from contextlib import nullcontext
from typing import Any

import torch
from torch.overrides import TorchFunctionMode, _get_current_function_mode_stack

from game.engine import lockdown, sandbox, wire
from game.engine import rules as static_rules
from game.engine.compare import odd_tensor
from game.engine.gradients import vjp
from game.engine.memory import PeakMemory

SUBMISSION = "<submission>"
HARNESS = "<harness>"


class _Out:
    def __init__(self, fd: int) -> None:
        self.fd = fd

    def send(self, message: dict[str, Any]) -> None:
        view = memoryview(wire.encode_frame(message))
        while view:
            n = os.write(self.fd, view)
            view = view[n:]


class OutputCap(io.TextIOBase):
    """sys.stdout/sys.stderr while player code runs: collected per case, capped in total."""

    def __init__(self, out: _Out, cap: int) -> None:
        self.out, self.cap, self.total, self.parts = out, cap, 0, []

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        text = str(text)
        self.total += len(text)
        if self.total > self.cap:
            # Over the cap: report and leave at once; a `try` in player code cannot stop _exit.
            self.out.send({"phase": "output_limit", "preview": "".join(self.parts)[-500:]})
            os._exit(0)
        self.parts.append(text)
        return len(text)

    def take(self) -> str:
        text, self.parts = "".join(self.parts), []
        return text


class Tracer(TorchFunctionMode):
    """Records the name of every torch function the player's code actually calls."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: set[str] = set()
        self.paused = 0

    def __torch_function__(self, func, types, args=(), kwargs=None):
        if not self.paused:
            name = getattr(func, "__name__", None) or type(func).__name__
            if name == "__get__":
                owner = getattr(func, "__self__", None)
                name = getattr(owner, "__name__", "__get__")
            self.calls.add(name)
        return func(*args, **(kwargs or {}))

    def active(self) -> bool:
        return torch._C._is_torch_function_mode_enabled() and any(
            m is self for m in _get_current_function_mode_stack()
        )


def pick_device(wanted: str) -> torch.device:
    """`auto`: CUDA, then MPS, then CPU. A forced device that does not exist raises."""
    if wanted == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    if wanted == "cuda" and not torch.cuda.is_available():
        raise RuntimeError("CUDA was asked for, but this machine has no usable CUDA device")
    if wanted == "mps" and not (
        getattr(torch.backends, "mps", None) and torch.backends.mps.is_available()
    ):
        raise RuntimeError("MPS was asked for, but this machine has no usable MPS device")
    return torch.device(wanted)


def encode(value: Any, depth: int = 0) -> Any:
    """The player's output as plain data the judge can load with weights_only=True.
    Tensors travel as {"__tensor__": cpu copy, "device": ..., "grad_fn": bool}."""
    if depth > 20:
        return {"__unsupported__": "nesting deeper than 20 levels"}
    kind = type(value)
    if kind is torch.Tensor:
        odd = odd_tensor(value)
        if odd:
            return {"__unsupported__": odd}
        return {"__tensor__": value.detach().to("cpu", copy=True),
                "device": str(value.device), "grad_fn": value.grad_fn is not None}
    if isinstance(value, torch.Tensor):
        return {"__unsupported__": f"{kind.__module__}.{kind.__qualname__} (a Tensor subclass)"}
    if kind in (int, float, bool, str, type(None), torch.dtype, torch.device):
        return value
    if kind is torch.Size:
        return {"__size__": tuple(value)}
    if kind in (tuple, list):
        return {"__seq__": kind.__name__, "items": [encode(v, depth + 1) for v in value]}
    if isinstance(value, tuple) and hasattr(kind, "_fields"):  # a namedtuple is a tuple
        return {"__seq__": "tuple", "items": [encode(v, depth + 1) for v in value]}
    if kind is dict and all(type(k) is str for k in value):
        return {"__dict__": {k: encode(v, depth + 1) for k, v in value.items()}}
    return {"__unsupported__": f"{kind.__module__}.{kind.__qualname__}"}


def trimmed_traceback(exc: BaseException, lines: list[str]) -> str:
    """Only the player's own frames, numbered as in their file, repeats collapsed."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == SUBMISSION]
    out: list[str] = []
    last, repeat = None, 0
    for f in frames:
        key = (f.lineno, f.name)
        if key == last:
            repeat += 1
            continue
        if repeat:
            out.append(f"  [previous line repeated {repeat} more times]")
            repeat = 0
        last = key
        code = lines[f.lineno - 1].strip() if f.lineno and f.lineno <= len(lines) else ""
        out.append(f"  line {f.lineno}, in {f.name}\n    {code}")
    if repeat:
        out.append(f"  [previous line repeated {repeat} more times]")
    detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    if len(detail) > 2000:
        detail = detail[:2000] + " …"
    head = "Traceback (your code, most recent call last):\n" if out else ""
    return head + "\n".join(out) + ("\n" if out else "") + detail


def error_kind(exc: BaseException) -> str:
    if isinstance(exc, MemoryError):
        return "memory"
    if isinstance(exc, torch.OutOfMemoryError):
        return "memory"
    if isinstance(exc, RuntimeError) and (
        "can't allocate memory" in str(exc) or "out of memory" in str(exc)
    ):
        return "memory"
    return "error"


def _to_device(value: Any, device: torch.device, grad: bool) -> Any:
    if type(value) is torch.Tensor:
        moved = value.to(device)
        if grad and moved.is_floating_point():
            moved.requires_grad_(True)
        return moved
    if type(value) in (tuple, list):
        return type(value)(_to_device(v, device, grad) for v in value)
    return value


def _leaves(value: Any) -> list[torch.Tensor]:
    if type(value) is torch.Tensor:
        return [value]
    if type(value) in (tuple, list):
        return [t for v in value for t in _leaves(v)]
    return []


class RecursionFound(BaseException):
    """Raised (past `except Exception`) when the player's code recurses in a loop-free puzzle."""


class RecursionGuard:
    """For puzzles without loops: a function of the player's file that is called while it is
    already running is recursion, however it was reached (a renamed `self`, a function passed
    to itself, a slot in a list). Only Python-level call events are seen, and only the player's
    own code objects are looked for on the stack."""

    def __init__(self) -> None:
        self.found: dict[str, Any] | None = None
        self.installed = False

    def __call__(self, frame: Any, event: str, arg: Any) -> None:
        if event == "call" and frame.f_code.co_filename == SUBMISSION:
            code, back = frame.f_code, frame.f_back
            while back is not None:
                if back.f_code is code:
                    if self.found is None:
                        self.found = {"name": code.co_name, "line": code.co_firstlineno}
                    raise RecursionFound(code.co_name)
                back = back.f_back
        return None

    def install(self) -> None:
        self.installed = True
        sys.settrace(self)
        threading.settrace(self)

    def take(self) -> dict[str, Any] | None:
        found, self.found = self.found, None
        return found


class ImaginedMachine:
    """For device-choice puzzles: while a case names a machine ({"cuda": bool, "mps": bool}),
    the availability questions a player may ask answer for that machine instead of this one.
    Installed before the player's module loads, so names imported from torch are the answering
    ones too; a case without a machine gets this machine's real answers."""

    def __init__(self) -> None:
        self.current: dict[str, bool] | None = None

    def install(self) -> None:
        def answer(real: Any, imagined: Any) -> Any:
            def ask(*args: Any, **kwargs: Any) -> Any:
                if self.current is None:
                    return real(*args, **kwargs)
                return imagined(self.current)
            ask.__name__, ask.__qualname__ = real.__name__, real.__qualname__
            ask.__doc__ = real.__doc__
            return ask

        def accelerator() -> torch.device | None:
            if self.current.get("cuda"):
                return torch.device("cuda")
            return torch.device("mps") if self.current.get("mps") else None

        # A Mac's build has MPS and no CUDA; every other imagined machine runs a CUDA build,
        # with or without a GPU (so `is_built()` alone does not tell).
        patches = [(torch.cuda, "is_available", lambda m: bool(m["cuda"])),
                   (torch.cuda, "device_count", lambda m: int(bool(m["cuda"]))),
                   (torch.cuda, "current_device", lambda m: 0),
                   (torch.backends.cuda, "is_built", lambda m: bool(m["cuda"] or not m["mps"])),
                   (torch.backends.mps, "is_available", lambda m: bool(m["mps"])),
                   (torch.backends.mps, "is_built", lambda m: bool(m["mps"])),
                   (torch.mps, "is_available", lambda m: bool(m["mps"])),
                   (torch.mps, "device_count", lambda m: int(bool(m["mps"])))]
        for owner, name, imagined in patches:
            if hasattr(owner, name):
                setattr(owner, name, answer(getattr(owner, name), imagined))
        acc = getattr(torch, "accelerator", None)
        if acc is not None:
            real_current, real_avail, real_count = (acc.current_accelerator, acc.is_available,
                                                    acc.device_count)
            acc.current_accelerator = lambda *a, **k: (
                real_current(*a, **k) if self.current is None else accelerator())
            acc.is_available = lambda: real_avail() if self.current is None else (
                accelerator() is not None)
            acc.device_count = lambda: real_count() if self.current is None else int(
                accelerator() is not None)


def _namespace(job: dict, tracer: Tracer, refusals: lockdown.Refusals) -> dict[str, Any]:
    ns: dict[str, Any] = {"__name__": "submission", "__builtins__": builtins}
    inject = job.get("inject")
    if job["rules"].get("lockdown"):
        keep = set(job["rules"].get("allowed_names") or ()) | set(inject or ())
        ns["__builtins__"] = lockdown.locked_builtins(
            refusals, loops=job["rules"].get("loops", True), keep=keep)
    if inject:
        from game.engine.checks import tensor_exam

        for name in inject:
            ns[name] = tensor_exam.paused(getattr(tensor_exam, name), tracer)
    return ns


def main(job_fd: int, result_fd: int, req: dict) -> int:
    """Run one submission. Returns the exit code of the child."""
    out = _Out(result_fd)
    with os.fdopen(job_fd, "rb") as fh:
        job = wire.load_job(fh.read())
    # The device first: an address-space limit would stop CUDA from mapping its memory, so it
    # applies on CPU only (CUDA's own out-of-memory error stands in for it there).
    try:
        device, device_error = pick_device(job["device"]), None
    except RuntimeError as exc:
        device, device_error = torch.device("cpu"), str(exc)
    sandbox.apply_limits(cpu_s=req["cpu_s"],
                         memory_mb=req["memory_mb"] if device.type == "cpu" else None)
    sandboxed = sandbox.forbid_new_processes() if req.get("seccomp", True) else False
    if req.get("measure_memory"):
        sandbox.return_freed_memory()  # the memory seen from outside is then what is live
    # No line of the submission has run yet: what this message says is still the judge's own
    # (among it, the private memory the run starts from, for the meter outside).
    out.send({"phase": "hello", "seccomp": sandboxed, "landlock": req.get("landlock"),
              "private_kib": sandbox.private_kib(),
              "caps_dropped": req.get("caps_dropped"),
              "cuda": torch.cuda.is_available(),
              "mps": bool(getattr(torch.backends, "mps", None)
                          and torch.backends.mps.is_available())})
    source: str = job["source"]
    lines = static_rules.physical_lines(source)
    try:
        findings, tree = static_rules.check_source(source, job["entry"], job["rules"])
        code = compile(tree, SUBMISSION, "exec",
                       flags=__future__.annotations.compiler_flag
                       if job["rules"].get("one_line") else 0, dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError) as exc:
        where = getattr(exc, "lineno", None)
        msg = exc.msg if isinstance(exc, SyntaxError) else (
            "the code is nested too deeply to read" if isinstance(exc, (RecursionError,
                                                                        MemoryError))
            else str(exc))
        out.send({"phase": "syntax", "message": msg, "line": where,
                  "col": getattr(exc, "offset", None)})
        return 0
    missing = static_rules.find_entry(tree, job["entry"], job["kind"])
    chars = static_rules.entry_chars(source, job["entry"], tree) or len(source.strip())
    out.send({"phase": "static", "findings": [f.as_dict() for f in findings],
              "entry_error": missing, "chars": chars})
    if findings or missing:
        return 0
    if device_error:
        out.send({"phase": "device_error", "message": device_error})
        return 0
    out.send({"phase": "device", "device": str(device)})

    harness_run = None
    harness_builds = False
    if job.get("harness"):
        # The puzzle's own child-side code (trusted, from its folder): it builds what cannot
        # travel as tensors (a model, an optimizer, a DataLoader) and calls the entry.
        try:
            harness_ns: dict[str, Any] = {"__name__": "torchenstein_harness"}
            exec(compile(job["harness"], HARNESS, "exec", dont_inherit=True), harness_ns)
            harness_run = harness_ns["run"]
            # A harness that builds a class puzzle's module itself (around objects that cannot
            # travel as plain data) receives the class rather than a built module.
            harness_builds = harness_ns.get("BUILDS_ENTRY") is True
        except BaseException as exc:  # noqa: BLE001 - the puzzle's fault, reported as such
            out.send({"phase": "harness_error",
                      "message": f"{type(exc).__name__}: {exc}"[:2000]})
            return 0

    machine = ImaginedMachine()
    if any(c.get("machine") for c in job["cases"]):
        machine.install()
    capture = OutputCap(out, job["output_cap"])
    tracer = Tracer()
    guard = RecursionGuard()
    if job["rules"].get("loops", True) is False:
        guard.install()
    refusals = lockdown.Refusals()
    lockdown.EXTRA_MODULES.update(job["rules"].get("modules") or ())
    if job["rules"].get("lockdown"):
        lockdown.forbid_threads(refusals)
    ns = _namespace(job, tracer, refusals)
    real_out, real_err = sys.stdout, sys.stderr
    sys.stdout = sys.stderr = capture
    try:
        with tracer:
            exec(code, ns)
            loaded_traced = tracer.active()
    except SystemExit:
        raise
    except BaseException as exc:  # noqa: BLE001 - any failure of player code is reported
        sys.stdout, sys.stderr = real_out, real_err
        out.send({"phase": "module_error", "kind": error_kind(exc),
                  "traceback": trimmed_traceback(exc, lines), "output": capture.take(),
                  "loop": guard.take(), "refused": refusals.take()})
        return 0
    entry = ns.get(job["entry"])
    sys.stdout, sys.stderr = real_out, real_err
    refused = refusals.take()
    out.send({"phase": "loaded", "output": capture.take(), "calls": sorted(tracer.calls),
              "traced": loaded_traced, "loop": guard.take(), "refused": refused})
    if refused:
        return 0
    tracer.calls.clear()
    problem = _signature_problem(entry, job)
    if problem:
        out.send({"phase": "signature", "message": problem})
        return 0

    for index, case in enumerate(job["cases"]):
        leaves = _to_device(case["args"], device if case["on_device"] else torch.device("cpu"),
                            case["grad"])
        # The player gets non-leaf copies: an in-place change is then visible to the judge as a
        # mutated input (rather than autograd's leaf error), and gradients still reach the leaves.
        args = _clone_inputs(leaves)
        message: dict[str, Any] = {"phase": "case", "index": index}
        machine.current = case.get("machine")
        if guard.installed:
            guard.install()  # Python unsets a trace function that raised
        sys.stdout = sys.stderr = capture
        try:
            meter = PeakMemory(device) if job.get("measure_memory") else nullcontext()
            with tracer:
                call = entry
                if case.get("machine"):
                    # The module runs again on the imagined machine: a device computed once at
                    # import time, or a cached answer, is computed there too.
                    fresh = _namespace(job, tracer, refusals)
                    exec(code, fresh)
                    call = fresh.get(job["entry"])
                if job["kind"] == "class" and not harness_builds:
                    call = _build(call, case, device)
                    if job.get("send_params"):
                        message["params"] = _param_tensors(call)
                    elif (count := _count_params(call)) is not None:
                        message["param_count"] = count
                with meter:
                    start = time.perf_counter_ns()
                    result = harness_run(call, *args) if harness_run else call(*args)
                    if device.type == "cuda":
                        torch.cuda.synchronize()
                    elapsed = time.perf_counter_ns() - start
                still_traced = tracer.active()
            if isinstance(meter, PeakMemory):
                message["peak_bytes"] = meter.peak
            # Serialise at once: a thread left running cannot change what was returned.
            message["output"] = encode(result)
            message["time_ns"] = elapsed
            message["traced"] = still_traced
        except SystemExit:
            raise
        except BaseException as exc:  # noqa: BLE001
            message["error"] = trimmed_traceback(exc, lines)
            message["kind"] = error_kind(exc)
            result = None
        finally:
            sys.stdout, sys.stderr = real_out, real_err
        message["calls"] = sorted(tracer.calls)
        message["loop"] = guard.take()
        message["refused"] = refusals.take()
        tracer.calls.clear()
        message["output_text"] = capture.take()
        if message["loop"] or message["refused"]:
            out.send(message)  # a loop found at run time ends the run: the verdict is made
            break
        if "error" not in message:
            if job["return_inputs"]:
                message["inputs_after"] = encode(list(case_args_after(args)))
            if case["grad"]:
                message["grads"] = _grads(result, leaves, case.get("upstream"), device)
        out.send(message)
    out.send({"phase": "done"})
    return 0


def _build(cls: Any, case: dict, device: torch.device) -> Any:
    """A class puzzle's instance: `cls(*init)`, the judge's state loaded, on the device."""
    module = cls(*case.get("init", ()))
    state = case.get("state")
    if state is not None:
        mine = module.state_dict() if isinstance(module, torch.nn.Module) else {}
        wanted = {k: tuple(v.shape) for k, v in state.items()}
        have = {k: tuple(v.shape) for k, v in mine.items()}
        if wanted != have:
            missing = sorted(set(wanted) - set(have))
            extra = sorted(set(have) - set(wanted))
            shapes = sorted(k for k in set(wanted) & set(have) if wanted[k] != have[k])
            raise RuntimeError(
                "the judge's weights do not fit your module: "
                + "; ".join(filter(None, [
                    f"it expects {', '.join(missing)}" if missing else "",
                    f"it has no place for your {', '.join(extra)}" if extra else "",
                    *(f"{k} should be {wanted[k]}, yours is {have[k]}" for k in shapes)])))
        module.load_state_dict(state)
    return module.to(device) if isinstance(module, torch.nn.Module) else module


def _parameters(module: Any) -> list[torch.Tensor]:
    """Every parameter registered anywhere in `module`, found by walking its own dictionaries
    (never `parameters()`, `state_dict()` or anything else a subclass can override)."""
    found: list[torch.Tensor] = []
    seen: set[int] = set()
    stack = [module]
    while stack:
        m = stack.pop()
        if id(m) in seen or not isinstance(m, torch.nn.Module):
            continue
        seen.add(id(m))
        state = object.__getattribute__(m, "__dict__")
        found += [p for p in dict.values(state.get("_parameters") or {}) if p is not None]
        stack += [c for c in dict.values(state.get("_modules") or {}) if c is not None]
    return found


def _count_params(module: Any) -> int | None:
    if not isinstance(module, torch.nn.Module):
        return None
    return sum(p.numel() for p in _parameters(module))


def _param_tensors(module: Any) -> list[torch.Tensor]:
    """The parameters as CPU tensors that share storage exactly as the originals do, for the
    judge to count (a tied weight arrives once)."""
    copies: dict[int, Any] = {}
    out = []
    for p in _parameters(module):
        storage = p.untyped_storage()
        key = storage.data_ptr() or id(storage)
        if key not in copies:
            copies[key] = storage.cpu() if p.device.type != "cpu" else storage
        t = torch.empty(0, dtype=p.dtype)
        t.set_(copies[key], p.storage_offset(), p.shape, p.stride())
        out.append(t)
    return out


def _clone_inputs(value: Any) -> Any:
    if type(value) is torch.Tensor:
        return value.clone() if value.requires_grad else value
    if type(value) in (tuple, list):
        return type(value)(_clone_inputs(v) for v in value)
    return value


def _signature_problem(entry: Any, job: dict) -> str | None:
    """A clear message when the entry point is not callable with the puzzle's arguments."""
    import inspect

    wanted = job["signature"]
    if job["kind"] == "class":
        return None if isinstance(entry, type) else f"`{job['entry']}` must be a class: {wanted}"
    if not callable(entry):
        return f"`{job['entry']}` must be a function: {wanted}"
    if not job["cases"]:
        return None
    try:
        inspect.signature(entry).bind(*job["cases"][0]["args"])
    except TypeError as exc:
        return f"`{job['entry']}` cannot be called as the puzzle calls it ({exc}); " \
               f"expected: {wanted}"
    except ValueError:
        return None
    return None


def case_args_after(args: Any) -> Any:
    for value in args:
        yield value.detach() if type(value) is torch.Tensor else value


def _grads(result: Any, args: Any, upstream: Any, device: torch.device) -> Any:
    """Input gradients for the judge's upstream gradient, or a reason there are none."""
    inputs = [a for a in _leaves(list(args)) if a.requires_grad]
    outs = _leaves(result)
    if not inputs or upstream is None:
        return None
    if not outs or not any(o.grad_fn is not None or o.requires_grad for o in outs):
        return {"__no_graph__": True}
    ups = _leaves(upstream)
    pairs = [(o, u.to(device)) for o, u in zip(outs, ups, strict=False)
             if o.requires_grad and o.shape == u.shape]
    if not pairs:
        return {"__no_graph__": True}
    try:
        grads = vjp([p[0] for p in pairs], inputs, [p[1] for p in pairs])
    except RuntimeError as exc:
        return {"__grad_error__": str(exc)[:500]}
    return encode([g if g is not None else None for g in grads])
