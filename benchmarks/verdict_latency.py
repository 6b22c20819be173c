"""Verdict latency, all figures measured in one run.

(a) warm: >= 20 submissions of act1.gelu's solution through one judge (fork server warm);
(b) cold: from creating the judge (torch already imported, as in the CLI) to the first verdict;
(c) naive: a fresh `python` process per check that imports torch and runs the same checks;
(d) every puzzle's own solution, warm, median of 3 (training puzzles marked: their solution,
    check or harness steps an optimizer or calls `.backward()`), and the p90 of the others;
(e) `python -m game verify` from a cold start against a bare `python -c "import torch"`, run
    alternately, medians compared.

The summary line is exactly:
warm_p50_ms=<n> cold_first_ms=<n> naive_p50_ms=<n> speedup=<naive/warm>
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

GELU = ROOT / "puzzles" / "act1" / "gelu"
SOLUTION = (GELU / "solution.py").read_text()

# The naive way: one interpreter per check, doing the same work in-process.
NAIVE = """
import importlib.util, sys
import torch
from game.engine.compare import compare
from game.engine.runner import encode
spec = importlib.util.spec_from_file_location("check", sys.argv[1])
mod = importlib.util.module_from_spec(spec); spec.loader.exec_module(mod)
ns = {}
exec(compile(open(sys.argv[2]).read(), "submission", "exec"), ns)
g = torch.Generator().manual_seed(0)
bad = 0
for case in mod.CHECK.cases(g):
    bad += compare(mod.CHECK.reference(*case.args), encode(ns["gelu"](*case.args)),
                   rtol=case.rtol, atol=case.atol) is not None
sys.exit(1 if bad else 0)
"""


def p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * 0.9 + 0.5) - 1)]


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True)
    elapsed = (time.perf_counter() - start) * 1000
    assert proc.returncode == 0, proc.stderr.decode()[-500:]
    return elapsed


def per_puzzle(judge, catalog, rounds: int) -> list[tuple[str, float, bool]]:
    """(puzzle id, median ms of its own solution, is it a training puzzle)."""
    rows = []
    for puzzle in catalog.ordered_puzzles():
        times = []
        for _ in range(rounds):
            t = time.perf_counter()
            result = judge.verify(puzzle.id, puzzle.solution)
            times.append((time.perf_counter() - t) * 1000)
            assert result.passed, f"{puzzle.id}: {result.message}"
        rows.append((puzzle.id, statistics.median(times), trains(puzzle)))
    return rows


TRAINING = re.compile(r"torch\.optim|\.step\(\)|\.backward\(")


def trains(puzzle) -> bool:
    """Does the puzzle's solution, check or harness train (an optimizer, a backward pass)?"""
    files = [puzzle.file(name) for name in ("solution.py", "check.py", "harness.py")]
    return any(f.is_file() and TRAINING.search(f.read_text(encoding="utf-8")) for f in files)


def cold_cli(rounds: int) -> tuple[float, float]:
    """Medians (ms) of a cold `python -m game verify` and of a bare `import torch`."""
    verify = [sys.executable, "-m", "game", "verify", "act1.gelu", str(GELU / "solution.py")]
    bare = [sys.executable, "-c", "import torch"]
    cli, torch_only = [], []
    for _ in range(rounds):  # alternated, so both see the same machine
        torch_only.append(timed(bare))
        cli.append(timed(verify))
    return statistics.median(cli), statistics.median(torch_only)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warm", type=int, default=30, help="warm submissions (>= 20)")
    parser.add_argument("--naive", type=int, default=5, help="naive fresh-process checks")
    parser.add_argument("--rounds", type=int, default=3, help="runs per puzzle's solution")
    parser.add_argument("--cold", type=int, default=5, help="cold CLI runs (and bare imports)")
    args = parser.parse_args()

    import torch  # noqa: F401 - the CLI has torch loaded before it creates the judge

    from game.core.content import load_catalog
    from game.engine.judge import Judge

    catalog = load_catalog()
    start = time.perf_counter()
    judge = Judge(catalog)
    first = judge.verify("act1.gelu", SOLUTION)
    cold_ms = (time.perf_counter() - start) * 1000
    assert first.passed, first.message

    warm = []
    for _ in range(max(20, args.warm)):
        t = time.perf_counter()
        result = judge.verify("act1.gelu", SOLUTION)
        warm.append((time.perf_counter() - t) * 1000)
        assert result.passed, result.message
    rows = per_puzzle(judge, catalog, args.rounds)
    judge.close()

    sub = ROOT / "benchmarks" / ".naive_submission.py"
    sub.write_text(SOLUTION)
    naive = []
    try:
        for _ in range(args.naive):
            naive.append(timed([sys.executable, "-c", NAIVE, str(GELU / "check.py"), str(sub)]))
    finally:
        sub.unlink(missing_ok=True)
    cli_ms, torch_ms = cold_cli(args.cold)

    print(f"per puzzle, own solution, warm, median of {args.rounds}:")
    for pid, ms, training in rows:
        print(f"  {pid:28} {ms:7.0f} ms" + ("  (training)" if training else ""))
    quick = [ms for _, ms, training in rows if not training]
    print(f"non-training puzzles: n={len(quick)} p50={statistics.median(quick):.0f} ms "
          f"p90={p90(quick):.0f} ms")
    print(f"cold CLI: verify_p50_ms={cli_ms:.0f} import_torch_p50_ms={torch_ms:.0f} "
          f"ratio={cli_ms / torch_ms:.2f}")
    warm_p50 = statistics.median(warm)
    naive_p50 = statistics.median(naive)
    print(f"warm verdicts: n={len(warm)} p50={warm_p50:.0f} ms p90={p90(warm):.0f} ms "
          f"max={max(warm):.0f} ms")
    print(f"naive fresh-process checks: n={len(naive)} p50={naive_p50:.0f} ms")
    print(f"warm_p50_ms={warm_p50:.0f} cold_first_ms={cold_ms:.0f} "
          f"naive_p50_ms={naive_p50:.0f} speedup={naive_p50 / warm_p50:.1f}")


if __name__ == "__main__":
    main()
