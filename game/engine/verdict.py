"""The verdict: from what came back (an Outcome) to the Result the player sees.

Every problem found is *flagged* with a status and a message; the status that wins is the first in
`PRECEDENCE` (a time limit outranks a wrong answer), and its first message is the verdict's.
`decide` reads top to bottom in the order a run happens: limits, the file, loading, the cases,
then the budgets, which are measured from outside the child wherever possible.
"""

from __future__ import annotations

import signal
import time
from dataclasses import dataclass
from typing import Any

import torch

from game.core.content import Puzzle
from game.core.result import ConstraintResult, Metrics, Result, Status, TestResult, worst
from game.engine.checks import Case, Check, Context, summarise_inputs
from game.engine.compare import Mismatch, compare, decode, describe
from game.engine.forkserver import BROKEN
from game.engine.rules import banned_name, count_lines
from game.engine.supervisor import DeadlineExceeded, Outcome, call_with_deadline

# The child's work around the calls (loading the file, building the arguments, encoding the
# results) that the time figure from outside may hold besides the calls themselves.
TIME_ALLOWANCE_NS = 30_000_000
# The child's resident memory beyond the fork server's that is not the calls' own: the job, the
# encoded results, the allocator's caches, and above all the pages of torch's libraries that a
# kernel used for the first time faults in (an attention over 4096 keys alone has brought in
# over 600 MiB). The meter from outside must exceed a budget by this much, so it catches gross
# escapes (a numpy array, a thread's tensors of a GiB or more), not small ones.
RSS_ALLOWANCE = 1 << 30
# The child's private memory (anonymous and shared-memory pages, sampled from outside) may grow
# by this much past what it held at its hello besides the calls' tensors: the interpreter's own
# objects, the allocator's arenas, first-use buffers of torch (the puzzles' own solutions grow
# by 0.3-30 MiB beyond their case data). Library pages are not private, so this can be small.
PRIVATE_ALLOWANCE = 64 << 20


def case_data_bytes(prep: Prepared) -> int:
    """What the runner itself holds of a case around the call: the copies of its inputs it hands
    the player, and the result with its encoded form (of the expected result's size)."""
    return 2 * tensor_bytes(prep.case.args) + 3 * tensor_bytes(prep.expected)


def tensor_bytes(value: Any) -> int:
    """Bytes of the tensors in `value` (its tuples, lists and dicts)."""
    if isinstance(value, torch.Tensor):
        return value.numel() * value.element_size()
    if isinstance(value, (tuple, list)):
        return sum(tensor_bytes(v) for v in value)
    if isinstance(value, dict):
        return sum(tensor_bytes(v) for v in value.values())
    return 0


@dataclass
class Prepared:
    """A case with everything the judge computed for it before the run."""

    case: Case
    expected: Any
    grads: list[Any] | None
    upstream: Any
    ref_ns: int


def signal_name(code: int) -> str:
    try:
        return signal.Signals(-code).name
    except ValueError:
        return f"signal {-code}"


class Verdict:
    """The result under construction, and the statuses flagged so far."""

    def __init__(self, puzzle: Puzzle, device: str) -> None:
        self.result = Result(puzzle=puzzle.id, status=Status.PASS, message="", device=device)
        self.statuses: list[Status] = []
        self.messages: dict[Status, str] = {}

    def flag(self, status: Status, message: str) -> None:
        self.statuses.append(status)
        self.messages.setdefault(status, message)

    def constraint(self, rule: str, message: str, line: int | None = None) -> None:
        """Record a broken rule once, however many cases broke it."""
        if not any(c.message == message for c in self.result.constraints):
            self.result.constraints.append(ConstraintResult(rule=rule, status="fail",
                                                            message=message, line=line))

    def finish(self, figures: list) -> Result:
        result = self.result
        result.figures = list(figures)
        result.status = worst(self.statuses)
        if result.status is Status.PASS:
            n = len(result.tests)
            result.message = f"All {n} test{'s' if n != 1 else ''} passed."
        else:
            result.message = self.messages[result.status]
        return result


def decide(puzzle: Puzzle, check: Check, prepared: list[Prepared], out: Outcome, source: str,
           seed: int, *, min_timed_ns: int, evaluate_by: float) -> Result:
    """The verdict of one run. `evaluate_by`: the monotonic time by which the puzzle's own
    grading must have finished."""
    device_msg = out.phase("device")
    v = Verdict(puzzle, device_msg["device"] if device_msg else "cpu")
    v.result.metrics = Metrics(lines=count_lines(source, puzzle.spec.entry))
    _limits(v, puzzle, prepared, out)
    static = out.phase("static")
    _the_file(v, puzzle, out, static)
    _loading(v, puzzle, out)
    _crashes(v, out)
    hello = out.phase("hello") or {}
    ctx = Context(device=v.result.device, cuda_available=bool(hello.get("cuda")),
                  mps_available=bool(hello.get("mps")), seed=seed)
    _cases(v, puzzle, check, prepared, out, ctx, evaluate_by)
    _budgets(v, puzzle, prepared, out, min_timed_ns)
    if not v.statuses and out.phase("done") is None:
        v.flag(Status.NO_RESULT, "Your code ended the process before returning a result "
               "(sys.exit, os._exit or similar). Return the value instead.")
    if not v.statuses and any(t.status != "pass" for t in v.result.tests):
        v.flag(Status.NO_RESULT, "Some tests produced no result.")
    result = v.finish(ctx.figures)
    if not result.constraints and static and result.status is not Status.SYNTAX_ERROR:
        result.constraints.append(ConstraintResult(rule="rules", status="pass",
                                                   message="no rule broken"))
    return result


# -- the limits -----------------------------------------------------------------------------------

def time_limit_message(limit_s: float, test: str | None) -> str:
    """The one wording of a time limit, whichever clock (wall or CPU) stopped the run."""
    where = f" while running test '{test}'" if test else ""
    return (f"Stopped at the {limit_s:g} s time limit{where}. Does your code loop forever? "
            "Check that every loop ends (a `while` whose condition never changes never does) "
            "and that no function calls itself without end.")


def _running(prepared: list[Prepared], out: Outcome) -> str | None:
    at = len(out.cases())
    return prepared[at].case.name if at < len(prepared) else None


def _limits(v: Verdict, puzzle: Puzzle, prepared: list[Prepared], out: Outcome) -> None:
    limits = puzzle.spec.limits
    code = out.exit_code
    if out.timed_out or (code is not None and code < 0 and -code == signal.SIGXCPU):
        v.flag(Status.TIME_LIMIT, time_limit_message(limits.wall_s, _running(prepared, out)))
    if out.stdio_overflow or out.phase("output_limit"):
        v.flag(Status.OUTPUT_LIMIT, f"Printed more than {limits.output_kib} KiB; the output was "
               "cut off. Print less (a shape, a few values) and try again.")
    if out.quota_exceeded:
        v.flag(Status.OUTPUT_LIMIT, "Wrote more into the run folder than its size limit "
               "allows.")
    if out.too_many_processes:
        declared = puzzle.spec.rules.processes
        v.flag(Status.RUNTIME_ERROR, f"Your code had {out.processes - 1} processes running at "
               f"once besides itself; this puzzle allows {declared} (and multiprocessing's own "
               "helpers), so the run was stopped. Start only the workers the puzzle asks for, "
               "and wait for them (join) before starting more.")


# -- the file and its loading ---------------------------------------------------------------------

def _the_file(v: Verdict, puzzle: Puzzle, out: Outcome, static: dict | None) -> None:
    syntax = out.phase("syntax")
    if syntax:
        where = f" (line {syntax['line']})" if syntax.get("line") else ""
        v.flag(Status.SYNTAX_ERROR, f"Python cannot read your file{where}: {syntax['message']}")
    if not static:
        return
    v.result.metrics.chars = static.get("chars")
    for f in static["findings"]:
        v.result.constraints.append(ConstraintResult(
            rule=f["rule"], status="fail", line=f.get("line"), col=f.get("col"),
            message=f["message"]))
    if v.result.constraints:
        first = v.result.constraints[0]
        v.flag(Status.CONSTRAINT_VIOLATION, f"Line {first.line}: {first.message}"
               if first.line else first.message)
    elif static.get("entry_error"):
        error = static["entry_error"]
        v.flag(Status.RUNTIME_ERROR, f"{error[:1].upper()}{error[1:]}: "
               f"`{puzzle.spec.signature}`.")


def _loading(v: Verdict, puzzle: Puzzle, out: Outcome) -> None:
    rules, memory_mb = puzzle.spec.rules, puzzle.spec.limits.memory_mb
    if (err := out.phase("harness_error")):
        v.flag(Status.INTERNAL_ERROR, f"The puzzle's harness.py failed to load: "
               f"{err['message']}")
    if (err := out.phase("device_error")):
        v.flag(Status.RUNTIME_ERROR, err["message"])
    mod = out.phase("module_error")
    if mod and (mod.get("loop") or mod.get("refused")):
        trace_rules(v, rules, [], True, mod.get("loop"), mod.get("refused"))
    elif mod:
        v.result.traceback = mod.get("traceback", "")
        if mod.get("kind") == "memory":
            v.flag(Status.MEMORY_LIMIT, "Ran out of memory while loading your file (limit: "
                   f"{memory_mb} MiB beyond what torch itself uses).")
        else:
            v.flag(Status.RUNTIME_ERROR, "Your file raised an error while loading:\n"
                   + v.result.traceback)
    if (sig := out.phase("signature")):
        v.flag(Status.RUNTIME_ERROR, sig["message"])
    if (loaded := out.phase("loaded")):
        trace_rules(v, rules, loaded.get("calls", []), loaded.get("traced", True),
                    loaded.get("loop"), loaded.get("refused"))


def _crashes(v: Verdict, out: Outcome) -> None:
    if out.garbled:
        v.flag(Status.RUNTIME_ERROR, f"Your code interfered with the result channel: "
               f"{out.garbled}.")
    if out.server_lost:
        v.flag(Status.RUNTIME_ERROR, "The process that supervises your code died while it "
               "ran; the checker restarts it. Nothing in a submission may signal other "
               "processes.")
    code = out.exit_code
    if code == BROKEN and out.phase("done") is None:
        said = out.stdio.decode("utf-8", "replace").strip().splitlines()
        why = f" ({said[-1][:300]})" if said else ""
        if out.phase("hello") is None:  # before any line of the submission ran
            v.flag(Status.INTERNAL_ERROR, f"The sandbox could not set up the run{why}.")
        else:
            v.flag(Status.RUNTIME_ERROR, f"The run broke down after your file was loaded{why}. "
                   "Code that replaces parts of torch or of the standard library can do this.")
    if (code is not None and code < 0 and not out.killed and -code != signal.SIGXCPU
            and not out.quota_exceeded  # killed by the fork server for its quota
            and not out.too_many_processes):  # or for its processes
        if -code == signal.SIGKILL:
            v.flag(Status.MEMORY_LIMIT, "The process was killed by the system, most likely "
                   "for using too much memory.")
        elif -code == signal.SIGXFSZ:
            v.flag(Status.OUTPUT_LIMIT, "Wrote a file larger than the limit.")
        else:
            v.flag(Status.RUNTIME_ERROR, f"Your code crashed ({signal_name(code)}).")


# -- the rules seen at run time -------------------------------------------------------------------

def trace_rules(v: Verdict, rules: Any, calls: list[str], traced: bool, loop: Any = None,
                refused: Any = None) -> None:
    """Rules broken while the code ran: recursion, a refused reach (a module outside the public
    API, a thread, a tracer switch), a banned or unlisted torch call, a switched-off tracer."""
    if isinstance(loop, dict):
        text = (f"`{loop['name']}` called itself while it was running (recursion is a loop in "
                "disguise and is not allowed here)")
        at = loop.get("line")
        v.constraint("loop", text, at)
        v.flag(Status.CONSTRAINT_VIOLATION, f"Line {at}: {text}." if at is not None
               else text[0].upper() + text[1:] + ".")
    if isinstance(refused, dict):
        v.constraint(refused["rule"], refused["message"])
        v.flag(Status.CONSTRAINT_VIOLATION, refused["message"][:1].upper()
               + refused["message"][1:] + ".")
    if not rules.locked_down:
        return
    if not traced:
        v.constraint("tracer", "the call tracer was switched off: the rules cannot be checked")
        v.flag(Status.CONSTRAINT_VIOLATION, "Your code switched off the call tracer, so the "
               "rules cannot be checked.")
    for name in calls:
        banned = banned_name(name, rules.banned)
        outside = rules.allowed_traced is not None and name not in rules.allowed_traced
        if banned is not None or outside:
            tip = rules.suggestions.get(banned or name, "")
            text = f"`{name}` was called at run time and is not allowed here" + (
                f": {tip}" if tip else "")
            v.constraint("banned_call", text)
            v.flag(Status.CONSTRAINT_VIOLATION, text[0].upper() + text[1:] + ".")


# -- the cases ------------------------------------------------------------------------------------

def _cases(v: Verdict, puzzle: Puzzle, check: Check, prepared: list[Prepared], out: Outcome,
           ctx: Context, evaluate_by: float) -> None:
    spec = puzzle.spec
    case_msgs = out.cases()
    for i, prep in enumerate(prepared):
        case = prep.case
        test = TestResult(name=case.name, status="not_run", seed=ctx.seed,
                          inputs=summarise_inputs(case.args))
        v.result.tests.append(test)
        msg = case_msgs.get(i)
        if msg is None:
            continue
        test.output = msg.get("output_text", "")[:500]
        trace_rules(v, spec.rules, msg.get("calls", []), msg.get("traced", True),
                    msg.get("loop"), msg.get("refused"))
        if msg.get("loop") or msg.get("refused"):
            test.status, test.mismatch = "fail", "constraint"
            test.message = ("recursion (a loop in disguise) was found while this test ran"
                            if msg.get("loop") else msg["refused"]["message"])
            continue
        if "error" in msg:
            _errored(v, puzzle, case, test, msg)
            continue
        try:
            mismatch = judge_case(check, prep, msg, ctx, evaluate_by)
        except DeadlineExceeded:
            test.status = "error"
            test.message = "checking this result took too long"
            v.flag(Status.TIME_LIMIT, f"Checking the result of test '{case.name}' took too "
                   "long: it is far larger than the puzzle asks for.")
            continue
        if mismatch is None:
            test.status = "pass"
            test.expected = describe(prep.expected) if check.evaluate is None else ""
            test.actual = describe(msg.get("output"))
            continue
        test.status = "fail"
        test.mismatch = mismatch.kind
        # A case's note explains what it returns; beside a wrong container or a changed input
        # it would only mislead.
        note = case.note if case.note and mismatch.kind not in ("type", "mutated") else ""
        test.message = mismatch.message + (f" — {note}" if note else "")
        test.expected = mismatch.expected or describe(prep.expected)
        test.actual = mismatch.actual or describe(msg.get("output"))
        v.flag(Status.WRONG_ANSWER, f"Test '{case.name}' failed: {test.message}")


def _errored(v: Verdict, puzzle: Puzzle, case: Case, test: TestResult, msg: dict) -> None:
    test.status = "error"
    test.message = msg["error"]
    if case.machine:
        test.message += ("\n(This test ran on an imagined machine: only torch's questions about "
                         "which devices exist were imagined, so code that uses the device "
                         "itself fails here.)")
    if msg.get("kind") == "memory":
        v.flag(Status.MEMORY_LIMIT, f"Ran out of memory in test '{case.name}' (limit: "
               f"{puzzle.spec.limits.memory_mb} MiB beyond what torch itself uses).")
    else:
        v.result.traceback = v.result.traceback or test.message
        v.flag(Status.RUNTIME_ERROR, f"Test '{case.name}' raised an error:\n{test.message}")


def judge_case(check: Check, prep: Prepared, msg: dict[str, Any], ctx: Context,
               evaluate_by: float) -> Mismatch | None:
    """Why one case's answer is wrong (value, mutated input, gradient), or None."""
    case = prep.case
    got = msg.get("output")
    rtol = case.rtol if case.rtol is not None else check.rtol
    atol = case.atol if case.atol is not None else check.atol
    if check.evaluate is not None:
        evaluate = check.evaluate
        verdict = call_with_deadline(lambda: evaluate(case, prep.expected, decode(got), ctx),
                                     evaluate_by - time.monotonic())
        if isinstance(verdict, str):
            verdict = Mismatch("values", verdict)
        if verdict is not None:
            return verdict
    else:
        found = compare(prep.expected, got, exact=check.exact if case.exact is None
                        else case.exact, rtol=rtol, atol=atol,
                        device=ctx.device if check.inputs_on_device else None,
                        signed_zeros=check.signed_zeros)
        if found:
            return found
    if check.check_mutation and "inputs_after" in msg:
        found = compare(list(clone_values(case.args)), msg["inputs_after"], path="input",
                        exact=True)
        if found:
            return Mismatch("mutated", "your function changed its input "
                            f"({found.message}); work on a copy or use out-of-place "
                            "operations", found.expected, found.actual)
    if prep.grads is not None:
        return _gradient(prep, msg.get("grads"), rtol, atol)
    return None


def _gradient(prep: Prepared, grads: Any, rtol: float | None,
              atol: float | None) -> Mismatch | None:
    if isinstance(grads, dict) and grads.get("__no_graph__"):
        return Mismatch("gradient", "your result is not connected to the autograd graph (no "
                        "grad_fn): did you detach it, compute it under torch.no_grad() or "
                        "torch.inference_mode(), call .item(), or build it with "
                        "torch.tensor(...)?")
    if isinstance(grads, dict) and "__grad_error__" in grads:
        return Mismatch("gradient", f"backward through your result failed: "
                        f"{grads['__grad_error__']}")
    if grads is None:
        return Mismatch("gradient", "no gradient came back from your result")
    expected = list(prep.grads or [])
    items = grads.get("items") if isinstance(grads, dict) else None
    if isinstance(items, list) and len(items) == len(expected):
        lost = [i for i, (e, g) in enumerate(zip(expected, items, strict=True))
                if e is not None and g is None]
        if lost:
            plain = all(type(a) is torch.Tensor and a.is_floating_point()
                        for a in prep.case.args)
            which = f"argument {lost[0] + 1} of your function" if plain else \
                f"input tensor {lost[0] + 1} (of those that need gradients)"
            return Mismatch("gradient", f"no gradient reached {which}: somewhere between it "
                            "and your result the graph is cut (a detach(), a value rebuilt "
                            "from numbers, or a custom backward that returns None for it)")
    found = compare(expected, grads, path="gradient", exact=False, rtol=rtol, atol=atol)
    if found:
        return Mismatch("gradient", found.message + " (compared to autograd through the "
                        "reference, for the same upstream gradient)", found.expected,
                        found.actual)
    return None


# -- the budgets ----------------------------------------------------------------------------------

def count_params(tensors: list[torch.Tensor]) -> int:
    """Elements of the distinct storages behind `tensors`: a weight shared (tied) between two
    layers counts once, and a parameter that is a view counts its whole storage."""
    seen: dict[int, int] = {}
    for t in tensors:
        storage = t.untyped_storage()
        key = storage.data_ptr() or id(storage)
        seen[key] = max(seen.get(key, 0), storage.nbytes() // max(1, t.element_size()))
    return sum(seen.values())


def _budgets(v: Verdict, puzzle: Puzzle, prepared: list[Prepared], out: Outcome,
             min_timed_ns: int) -> None:
    limits = puzzle.spec.limits
    case_msgs = out.cases()
    # With a budget the child sends the parameter tensors themselves and the judge counts them;
    # without one, the count shown is the child's own.
    budget = limits.max_params
    answered = [m for m in case_msgs.values() if "error" not in m]
    if budget is not None:
        counted = [count_params(m["params"]) for m in answered if "params" in m]
        if puzzle.spec.kind == "class" and len(counted) < len(answered) and not v.statuses:
            v.flag(Status.RUNTIME_ERROR, "The parameters of your model did not come back with "
                   "its results, so the parameter budget cannot be checked.")
    else:
        counted = [m["param_count"] for m in answered if "param_count" in m]
    if counted:
        v.result.metrics.params = max(counted)
        if budget is not None and max(counted) > budget and not v.statuses:
            text = (f"Correct, but your model has {max(counted):,} parameters; the budget is "
                    f"{budget:,}.")
            for test in v.result.tests:
                test.mismatch, test.status, test.message = "budget", "fail", text
            v.flag(Status.WRONG_ANSWER, text)
    _memory_budget(v, puzzle, prepared, out)
    # Time: the calls' own figures are claims; the child's CPU time from the kernel (or, without
    # it, the wall time the judge saw) less an allowance for the work around the calls is not.
    claimed = sum(m.get("time_ns", 0) for m in case_msgs.values() if m.get("time_ns", 0) > 0)
    outside = out.cpu_ns if out.cpu_ns is not None else out.wall_ms * 1_000_000
    child_ns = max(claimed, outside - TIME_ALLOWANCE_NS) if case_msgs else 0
    ref_ns = sum(p.ref_ns for i, p in enumerate(prepared) if i in case_msgs)
    limit = limits.max_time_ratio
    # Below a few milliseconds a ratio measures warm-up and noise, not the code: it is only
    # shown when the reference took long enough, or when a budget asks for it.
    if ref_ns > 0 and child_ns > 0 and (limit or ref_ns >= min_timed_ns):
        v.result.metrics.time_ratio = round(child_ns / ref_ns, 2)
        if limit and v.result.metrics.time_ratio > limit and not v.statuses:
            v.flag(Status.WRONG_ANSWER, f"Correct, but {v.result.metrics.time_ratio:g}× slower "
                   f"than the reference (the budget is {limit:g}×).")


def outside_peak_bytes(out: Outcome, prepared: list[Prepared]) -> int:
    """What the child's memory grew by, measured from outside it, less what the run itself may
    need: its private memory sampled after its hello (which no submission code had run before)
    and, for anything else, the kernel's resident high-water mark over the fork server's size."""
    figures = [0]
    start = (out.phase("hello") or {}).get("private_kib")
    if type(start) is int and out.private_peak_kib is not None:
        own = PRIVATE_ALLOWANCE + max((case_data_bytes(p) for p in prepared), default=0)
        figures.append((out.private_peak_kib - start) * 1024 - own)
    if out.maxrss_kib is not None and out.base_rss_kib is not None:
        figures.append((out.maxrss_kib - out.base_rss_kib) * 1024 - RSS_ALLOWANCE)
    return max(figures)


def _memory_budget(v: Verdict, puzzle: Puzzle, prepared: list[Prepared], out: Outcome) -> None:
    """The meter in the child counts torch's tensors; the figures from outside it bound
    everything else (numpy, other threads, a meter switched off)."""
    case_msgs = out.cases()
    peaks = {i: m["peak_bytes"] for i, m in case_msgs.items()
             if "peak_bytes" in m and 0 <= i < len(prepared)}
    budget = puzzle.spec.limits.max_peak_mb
    if not peaks or budget is None:
        return
    inside = max(peaks.values())
    # On a GPU the allocator's own peak is exact, and the driver's host memory is no tensor's.
    outside = outside_peak_bytes(out, prepared) if v.result.device == "cpu" else 0
    peak = max(inside, outside)
    v.result.metrics.peak_bytes = peak
    if peak > budget * 2**20 and not v.statuses:
        worst_case = max(peaks, key=lambda i: peaks[i])
        name = prepared[worst_case].case.name
        if outside > inside:
            text = (f"Correct, but measured from outside the run (numpy arrays and tensors "
                    f"of other threads count, not only what the tensor meter sees), its memory "
                    f"grew {peak / 2**20:.1f} MiB beyond what any run needs; the budget is "
                    f"{budget:g} MiB.")
        else:
            text = (f"Correct, but test '{name}' held {peak / 2**20:.1f} MiB at its peak; the "
                    f"budget is {budget:g} MiB.")
        test = v.result.tests[worst_case]
        test.mismatch, test.status, test.message = "budget", "fail", text
        v.flag(Status.WRONG_ANSWER, text)


def clone_values(value: Any) -> Any:
    """Detached copies of the tensors in `value` (and in its tuples and lists)."""
    if type(value) is torch.Tensor:
        return value.detach().clone()
    if type(value) in (tuple, list):
        return type(value)(clone_values(v) for v in value)
    return value
