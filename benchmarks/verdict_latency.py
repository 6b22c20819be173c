"""Verdict latency on act1.gelu, all figures measured in one run.

(a) warm: >= 20 submissions through one judge (fork server already warm);
(b) cold: from creating the judge (torch already imported, as in the CLI) to the first verdict;
(c) naive: a fresh `python` process per check that imports torch and runs the same checks.

The last line is exactly:
warm_p50_ms=<n> cold_first_ms=<n> naive_p50_ms=<n> speedup=<naive/warm>
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SOLUTION = (ROOT / "puzzles" / "act1" / "gelu" / "solution.py").read_text()

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
    bad += compare(mod.CHECK.reference(*case.args), encode(ns["gelu"](*case.args))) is not None
sys.exit(1 if bad else 0)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warm", type=int, default=30, help="warm submissions (>= 20)")
    parser.add_argument("--naive", type=int, default=5, help="naive fresh-process checks")
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
    judge.close()

    sub = ROOT / "benchmarks" / ".naive_submission.py"
    sub.write_text(SOLUTION)
    naive = []
    try:
        for _ in range(args.naive):
            t = time.perf_counter()
            proc = subprocess.run([sys.executable, "-c", NAIVE,
                                   str(ROOT / "puzzles" / "act1" / "gelu" / "check.py"),
                                   str(sub)], cwd=ROOT, capture_output=True)
            naive.append((time.perf_counter() - t) * 1000)
            assert proc.returncode == 0, proc.stderr.decode()[-500:]
    finally:
        sub.unlink(missing_ok=True)

    warm_p50 = statistics.median(warm)
    naive_p50 = statistics.median(naive)
    print(f"warm verdicts: n={len(warm)} p50={warm_p50:.0f} ms "
          f"p90={sorted(warm)[int(len(warm) * 0.9) - 1]:.0f} ms max={max(warm):.0f} ms")
    print(f"naive fresh-process checks: n={len(naive)} p50={naive_p50:.0f} ms")
    print(f"warm_p50_ms={warm_p50:.0f} cold_first_ms={cold_ms:.0f} "
          f"naive_p50_ms={naive_p50:.0f} speedup={naive_p50 / warm_p50:.1f}")


if __name__ == "__main__":
    main()
