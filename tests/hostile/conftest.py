"""A judge over the fixture puzzles, and the checks every hostile test ends with."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from game.core.content import load_catalog
from game.core.result import Result, Status
from game.engine.forkserver import parents
from game.engine.judge import Judge

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "content"
GOOD = {
    "act1.double": "def double(x):\n    return 2 * x\n",
    "act1.total": "def total(x):\n    return x.sum(0, keepdim=True)\n",
    "act1.squares": "def squares(x):\n    return x * x\n",
    "act1.probs": "import torch\n\n\ndef probs(x):\n    e = torch.exp(x - x.amax(-1, keepdim=True))"
                  "\n    return e / e.sum(-1, keepdim=True)\n",
    "gauntlet.ones": "def ones(i):\n    return arange(i) * 0 + 1\n",
}


def descendants(root: int) -> set[int]:
    """Every living process below `root`."""
    table = parents()
    found, frontier = set(), {root}
    while frontier:
        frontier = {p for p, pp in table.items() if pp in frontier} - found
        found |= frontier
    return found


def in_run_dirs(tmp_root: str) -> set[int]:
    """Processes anywhere on the machine whose working directory is a run folder of ours."""
    pids = set()
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                if os.readlink(f"/proc/{name}/cwd").startswith(tmp_root):
                    pids.add(int(name))
            except OSError:
                continue
    return pids


class Hostile:
    def __init__(self, judge: Judge, tmp_root: str, before: set[int]) -> None:
        # `before`: processes below pytest that existed before this judge (other fixtures' judges).
        self.judge, self.tmp_root, self.before = judge, tmp_root, before

    def run(self, puzzle: str, source: str | bytes, **kw) -> Result:
        result = self.judge.verify(puzzle, source, **kw)
        self.assert_clean()
        good = self.judge.verify(puzzle, GOOD[puzzle])
        assert good.status is Status.PASS, good.message
        return result

    def assert_clean(self) -> None:
        server = self.judge._server.pid
        survivors = descendants(os.getpid()) - self.before
        assert survivors <= {server}, "a process of the run survived"
        assert not descendants(server), "a process of the run survived below the fork server"
        assert not in_run_dirs(self.tmp_root), "a process is still in a run folder"
        assert not os.listdir(self.tmp_root), "a run folder was left behind"


@pytest.fixture(scope="session")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hostile]:
    tmp_root = str(tmp_path_factory.mktemp("runs"))
    before = descendants(os.getpid())
    with Judge(load_catalog(FIXTURES), tmp_root=tmp_root) as judge:
        judge.verify("act1.double", GOOD["act1.double"])  # the fork server is warm from here
        yield Hostile(judge, tmp_root, before)
