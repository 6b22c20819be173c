"""What a puzzle's `check.py` is written with: cases, the check itself, and input generators.

A check.py defines `CHECK = Check(...)`. It runs in the judge only (trusted); the player's code
never sees the reference, the expected values or the generator.

    def reference(x):
        return 0.5 * x * (1 + torch.erf(x / math.sqrt(2)))

    def cases(g):
        yield Case("example", torch.tensor([-1.0, 0.0, 1.0]), example=True)
        yield Case("random (3, 5)", floats(g, (3, 5)))

    CHECK = Check(reference=reference, cases=cases, grad=True)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import torch

from game.core.figures import MAX_FIGURES, Figure, Heatmap, Scatter, Series
from game.engine.compare import Mismatch, compare, decode, describe

__all__ = [
    "Case", "Check", "Context", "Mismatch", "compare", "decode", "describe", "floats", "ints",
    "bools", "sizes", "summarise_inputs", "Series", "Heatmap", "Scatter",
]


@dataclass(init=False)
class Case:
    """One call of the player's entry point: `entry(*args)`; for a class puzzle,
    `entry(*init)` (with the `state` dict loaded, when given) is built and then called on `args`.

    `example` cases are the quick checks (and the ones the brief shows). `note` says why the case
    exists and is shown when it fails. `exact`, `rtol`, `atol` override the check's defaults.
    `machine` ({"cuda": bool, "mps": bool}) runs the case on an imagined machine: torch's
    availability questions (`torch.cuda.is_available()`, `torch.backends.mps.is_available()`,
    `torch.accelerator`…) answer for it inside the child.
    """

    name: str
    args: tuple
    example: bool = False
    note: str = ""
    exact: bool | None = None
    rtol: float | None = None
    atol: float | None = None
    grad: bool | None = None
    data: dict[str, Any] = field(default_factory=dict)
    init: tuple = ()
    state: dict[str, torch.Tensor] | None = None
    machine: dict[str, bool] | None = None

    def __init__(self, name: str, *args: Any, example: bool = False, note: str = "",
                 exact: bool | None = None, rtol: float | None = None,
                 atol: float | None = None, grad: bool | None = None,
                 data: dict[str, Any] | None = None, init: tuple = (),
                 state: dict[str, torch.Tensor] | None = None,
                 machine: dict[str, bool] | None = None) -> None:
        self.name, self.args, self.example, self.note = name, args, example, note
        self.exact, self.rtol, self.atol, self.grad = exact, rtol, atol, grad
        self.data = data or {}
        self.init, self.state, self.machine = init, state, machine

    def build(self, cls: Callable[..., Any]) -> Any:
        """For class puzzles: `cls(*init)`, with `state` loaded (strictly) when given."""
        module = cls(*self.init)
        if self.state is not None:
            module.load_state_dict(self.state)
        return module


@dataclass
class Context:
    """What the judge knows about the run, for references and evaluators that need it."""

    device: str
    cuda_available: bool
    mps_available: bool
    seed: int

    figures: list[Figure] = field(default_factory=list)

    def best_device(self) -> str:
        return "cuda" if self.cuda_available else ("mps" if self.mps_available else "cpu")

    def add_figure(self, figure: Figure) -> None:
        """Attach a figure (`Series`, `Heatmap`, `Scatter` from game.core.figures) to the
        verdict; build it from what the judge measured, never from the submission's claims."""
        if len(self.figures) < MAX_FIGURES:
            self.figures.append(figure)


Evaluator = Callable[[Case, Any, Any, Context], "Mismatch | str | None"]


@dataclass
class Check:
    """How a puzzle is judged.

    - `cases(g)` yields `Case`s, drawing randomness only from the judge's generator `g`.
    - `reference(*args)` gives the expected output; it runs in the judge on clones.
    - `grad=True`: float inputs require grad, and the input gradients for a random upstream
      gradient must match the reference's.
    - `evaluate(case, expected, got, ctx)` replaces the default comparison when the answer is not
      a single value (e.g. an accuracy over held-out labels that never leave the judge); `got` is
      the decoded output. Return a Mismatch or a message when wrong, None when right.
    - `exact=True` compares values exactly (NaN matches NaN); `signed_zeros` also tells -0.0
      from 0.0. Otherwise `assert_close` defaults (or `rtol`/`atol`).
    - `check_mutation`: inputs must be unchanged after the call.
    """

    cases: Callable[[torch.Generator], Iterable[Case]]
    reference: Callable[..., Any] | None = None
    grad: bool = False
    exact: bool = False
    signed_zeros: bool = False  # with `exact`: -0.0 and 0.0 differ (the sign bit is compared)
    rtol: float | None = None
    atol: float | None = None
    check_mutation: bool = True
    evaluate: Evaluator | None = None
    inject: list[str] = field(default_factory=list)
    inputs_on_device: bool = True


def floats(g: torch.Generator, shape: tuple[int, ...], dtype: torch.dtype = torch.float32,
           scale: float = 1.0) -> torch.Tensor:
    """Standard-normal values times `scale`."""
    return torch.randn(shape, generator=g, dtype=torch.float64).mul(scale).to(dtype)


def ints(g: torch.Generator, shape: tuple[int, ...], low: int = -5, high: int = 5,
         dtype: torch.dtype = torch.int64) -> torch.Tensor:
    """Integers in [low, high] inclusive."""
    return torch.randint(low, high + 1, shape, generator=g, dtype=dtype)


def bools(g: torch.Generator, shape: tuple[int, ...], p: float = 0.5) -> torch.Tensor:
    return torch.rand(shape, generator=g) < p


def sizes(g: torch.Generator, low: int, high: int) -> int:
    """A random size in [low, high]."""
    return int(torch.randint(low, high + 1, (1,), generator=g))


def summarise_inputs(args: tuple) -> str:
    """`x: float32 (3, 5) [...]; n: int 4` for the verdict's case line."""
    parts = []
    for i, a in enumerate(args):
        parts.append(f"arg{i}: {describe(a)}")
    return "; ".join(parts)
