"""The verdict of one submission: the result object (version 1) described in docs/engine.md."""

from __future__ import annotations

import re
from enum import Enum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from game.core.figures import MAX_FIGURES, Figure


class Status(str, Enum):
    """Exactly one status per submission; `PRECEDENCE` says which wins when several apply."""

    INTERNAL_ERROR = "internal_error"
    TIME_LIMIT = "time_limit"
    MEMORY_LIMIT = "memory_limit"
    OUTPUT_LIMIT = "output_limit"
    RUNTIME_ERROR = "runtime_error"
    NO_RESULT = "no_result"
    SYNTAX_ERROR = "syntax_error"
    CONSTRAINT_VIOLATION = "constraint_violation"
    WRONG_ANSWER = "wrong_answer"
    PASS = "pass"


PRECEDENCE: tuple[Status, ...] = tuple(Status)

# Words, colours and symbols shown to the player (symbols keep verdicts readable without colour).
STATUS_LABEL: dict[Status, tuple[str, str, str]] = {
    Status.PASS: ("Passed", "green", "✔"),
    Status.WRONG_ANSWER: ("Wrong answer", "red", "✘"),
    Status.CONSTRAINT_VIOLATION: ("Rule broken", "magenta", "⛔"),
    Status.SYNTAX_ERROR: ("Syntax error", "yellow", "✎"),
    Status.NO_RESULT: ("No result", "yellow", "∅"),
    Status.RUNTIME_ERROR: ("Runtime error", "red", "⚡"),
    Status.OUTPUT_LIMIT: ("Too much output", "yellow", "⇶"),
    Status.MEMORY_LIMIT: ("Memory limit", "yellow", "▦"),
    Status.TIME_LIMIT: ("Time limit", "yellow", "⌛"),
    Status.INTERNAL_ERROR: ("Internal error (not your fault)", "bright_black", "⚙"),
}


def worst(statuses: list[Status]) -> Status:
    """The status that wins by precedence; `pass` only when there is nothing else."""
    present = set(statuses)
    for status in PRECEDENCE:
        if status in present:
            return status
    return Status.PASS


# Lone surrogates, and control characters other than tab and newline: a surrogate cannot be
# encoded as UTF-8 (JSON output would fail) and escape sequences would repaint a terminal.
_BAD_TEXT = re.compile(r"[\ud800-\udfff\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean_text(text: str) -> str:
    """`text` with every lone surrogate and control character (tab and newline excepted)
    replaced by U+FFFD, and a carriage return by a newline."""
    if not _BAD_TEXT.search(text):
        return text
    return _BAD_TEXT.sub(lambda m: "\n" if m.group() == "\r" else "\ufffd", text)


class _Clean(BaseModel):
    """Every string field is cleaned when it is set, at construction or later."""

    model_config = ConfigDict(validate_assignment=True)

    @field_validator("*", mode="before")
    @classmethod
    def _clean(cls, value: Any) -> Any:
        return clean_text(value) if isinstance(value, str) else value


class TestResult(_Clean):
    """One case: what was run and how it went."""

    name: str
    status: Literal["pass", "fail", "error", "not_run"]
    message: str = ""
    seed: int | None = None
    inputs: str = ""
    expected: str = ""
    actual: str = ""
    output: str = ""
    mismatch: str | None = None


class ConstraintResult(_Clean):
    """One rule check; `line`/`col` are 1-based positions in the player's file."""

    rule: str
    status: Literal["pass", "fail"]
    line: int | None = None
    col: int | None = None
    message: str = ""


class Metrics(BaseModel):
    lines: int | None = None
    chars: int | None = None
    time_ratio: float | None = None
    peak_bytes: int | None = None
    params: int | None = None


class Result(_Clean):
    """What `verify --json` prints and what the TUI shows."""

    version: Literal[1] = 1
    puzzle: str
    status: Status
    message: str
    device: str = "cpu"
    duration_ms: int = 0
    quick: bool = False
    tests: list[TestResult] = Field(default_factory=list)
    constraints: list[ConstraintResult] = Field(default_factory=list)
    metrics: Metrics = Field(default_factory=Metrics)
    traceback: str | None = None
    figures: list[Figure] = Field(default_factory=list, max_length=MAX_FIGURES)

    @property
    def passed(self) -> bool:
        return self.status is Status.PASS
