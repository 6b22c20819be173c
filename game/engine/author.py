"""`python -m game author check`: every solution passes, every starter fails, every mutant gets
the verdict it declares, and every worked example in a brief matches the reference."""

from __future__ import annotations

import secrets
import sys
from dataclasses import dataclass

import torch

from game.core.content import Catalog, Puzzle
from game.core.models import Example
from game.core.result import Status
from game.engine.judge import Judge

DTYPES = {"int64": torch.int64, "float32": torch.float32, "bool": torch.bool}


@dataclass
class Finding:
    puzzle: str
    what: str
    ok: bool
    detail: str


def _example_problem(judge: Judge, puzzle: Puzzle, example: Example) -> str | None:
    check = judge.check_for(puzzle)
    if check.reference is None:
        return None
    args = []
    for value in example.inputs.values():
        if isinstance(value, list):
            dtype = torch.bool if _all_bool(value) else (
                torch.float32 if _any_float(value) else torch.int64)
            args.append(torch.tensor(value, dtype=dtype))
        else:
            args.append(value)
    got = check.reference(*args)
    want = torch.tensor(example.output, dtype=DTYPES[example.dtype]) if isinstance(
        example.output, list) else example.output
    if isinstance(want, torch.Tensor):
        if type(got) is not torch.Tensor or got.shape != want.shape or not torch.equal(
                got.to(want.dtype), want):
            return f"example {example.call}: brief says {example.output}, reference gives " \
                   f"{got.tolist() if isinstance(got, torch.Tensor) else got}"
    return None


def _all_bool(value) -> bool:
    return all(_all_bool(v) for v in value) if isinstance(value, list) else isinstance(
        value, bool)


def _any_float(value) -> bool:
    return any(_any_float(v) for v in value) if isinstance(value, list) else isinstance(
        value, float)


def check_puzzle(judge: Judge, puzzle: Puzzle, seed: int) -> list[Finding]:
    """Run the author checks of one puzzle."""
    found = []
    res = judge.verify(puzzle.id, puzzle.solution, seed=seed)
    found.append(Finding(puzzle.id, "solution passes", res.status is Status.PASS,
                         "" if res.passed else f"{res.status.value}: {res.message}"))
    res = judge.verify(puzzle.id, puzzle.starter, seed=seed)
    found.append(Finding(puzzle.id, "starter fails", res.status not in (
        Status.PASS, Status.INTERNAL_ERROR), f"{res.status.value}"))
    for mutant in puzzle.spec.mutants:
        source = (puzzle.path / "mutants" / mutant.file).read_text(encoding="utf-8")
        res = judge.verify(puzzle.id, source, seed=seed)
        kinds = {t.mismatch for t in res.tests if t.mismatch}
        ok = res.status is mutant.verdict and (mutant.mismatch is None or mutant.mismatch in kinds)
        want = mutant.verdict.value + (f" ({mutant.mismatch})" if mutant.mismatch else "")
        got = res.status.value + (f" ({', '.join(sorted(kinds))})" if kinds else "")
        found.append(Finding(puzzle.id, f"mutant {mutant.file} → {want}", ok,
                             "" if ok else f"got {got}: {res.message[:300]}"))
    for example in puzzle.spec.examples:
        problem = _example_problem(judge, puzzle, example)
        found.append(Finding(puzzle.id, f"example {example.call}", problem is None,
                             problem or ""))
    return found


def run_author_check(catalog: Catalog, ids: list[str] | None, *, seed: int | None) -> bool:
    """Check the given puzzles (all by default); print one line per check. True when all pass."""
    seed = secrets.randbelow(2**31) if seed is None else seed
    print(f"author check (seed {seed})")
    ok = True
    with Judge(catalog) as judge:
        for puzzle in catalog.ordered_puzzles():
            if ids and puzzle.id not in ids:
                continue
            for f in check_puzzle(judge, puzzle, seed):
                ok &= f.ok
                mark = "ok  " if f.ok else "FAIL"
                print(f"{mark} {f.puzzle:28} {f.what}" + (f"\n       {f.detail}" if f.detail
                                                         and not f.ok else ""))
                sys.stdout.flush()
    for problem in catalog.problems:
        ok = False
        print(f"FAIL {problem}")
    print("author check: " + ("all green" if ok else "FAILED"))
    return ok
