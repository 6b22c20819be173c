"""A verdict in words, for the TUI's results panel and the command line alike: the diagnosis
pinned under the headline, what each case adds to it (never the same message twice), whether
anything ran at all, and the figures. Pure functions of a `Result`; no textual, no torch."""

from __future__ import annotations

import re

from game.core.result import Result, Status, TestResult

_TRACE_LINE = re.compile(r"^\s*line (\d+), in ", re.MULTILINE)
_RAISED = "raised an error:"

NOTHING_RAN = {
    Status.SYNTAX_ERROR: "Nothing was run: Python must be able to read the file first.",
    Status.CONSTRAINT_VIOLATION: "Nothing was run: the rules are checked before any test.",
}


def exception_line(traceback: str) -> str:
    """`ZeroDivisionError: division by zero`: the last line of a traceback."""
    lines = [line for line in traceback.strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else ""


def error_line(traceback: str) -> int | None:
    """The line of the player's file where the traceback ends (1-based), if it names one."""
    found = _TRACE_LINE.findall(traceback)
    return int(found[-1]) if found else None


def diagnosis(result: Result) -> str:
    """What went wrong in one sentence: the message's first line, with a traceback reduced to
    its exception and line (the full traceback is shown once, below)."""
    lines = result.message.strip().splitlines()
    head = lines[0].strip() if lines else ""
    trace = result.traceback or ("\n".join(lines[1:]) if head.endswith(_RAISED) else "")
    if not trace:
        return head
    exc = exception_line(trace)
    if head.endswith(_RAISED):
        head = f"{head[:-len(_RAISED)]}raised {exc}"
    elif exc and exc not in head:
        head = f"{head.rstrip(':')}: {exc}"
    line = error_line(trace)
    return f"{head} (line {line})" if line else head


def nothing_ran(result: Result) -> bool:
    """Whether no test ran at all (a syntax error, a broken rule, an entry that cannot be
    called): then the cases are summed up in one line instead of listed."""
    return not result.passed and all(t.status == "not_run" for t in result.tests)


def nothing_ran_line(result: Result) -> str:
    return NOTHING_RAN.get(result.status, "Nothing was run: the problem above stopped it first.")


def said_elsewhere(text: str, result: Result) -> bool:
    """Whether a case's message repeats what the verdict already says (its message or its
    traceback), so that it is not shown a second time."""
    text = text.strip()
    if not text:
        return True
    return text in result.message or bool(result.traceback and text in result.traceback)


def case_rows(test: TestResult, result: Result) -> list[tuple[str, str]]:
    """The labelled facts of one case, without what the verdict already says."""
    rows = [("why", "" if said_elsewhere(test.message, result) else test.message),
            ("inputs", test.inputs), ("expected", test.expected), ("got", test.actual),
            ("printed", test.output.rstrip())]
    return [(label, value) for label, value in rows if value]


def first_failure(result: Result) -> int | None:
    """The index of the first case that failed or raised (shown open)."""
    return next((i for i, t in enumerate(result.tests) if t.status in ("fail", "error")), None)


def seed_of(result: Result) -> int | None:
    return next((t.seed for t in result.tests if t.seed is not None), None)


def metrics_facts(result: Result) -> list[str]:
    """`1 line · 74 chars · 1.2× reference time`: what the judge measured. The lines are the
    lines the player wrote; a time ratio only exists when the reference was long enough to
    time (the judge leaves it out otherwise)."""
    m = result.metrics
    facts = []
    if m.lines is not None:
        facts.append(f"{m.lines} line{'s' if m.lines != 1 else ''} written")
    if m.chars is not None:
        facts.append(f"{m.chars} chars")
    if m.time_ratio is not None:
        facts.append(f"{m.time_ratio:g}× reference time")
    return facts
