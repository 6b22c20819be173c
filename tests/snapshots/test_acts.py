"""Snapshots of the later acts as a player meets them: real content, a fake judge, a fixed clock.
Regenerate with `pytest tests/snapshots --snapshot-update` and inspect the SVGs."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ui"))

from test_screens import make_slot, settle  # noqa: E402
from ui_helpers import FakeJudge  # noqa: E402

from game.core.content import FlowItem, load_catalog  # noqa: E402
from game.core.paths import REPO_ROOT  # noqa: E402
from game.ui.app import TorchensteinApp, make_app  # noqa: E402

CATALOG = load_catalog(REPO_ROOT)


def real_game(root: Path) -> TorchensteinApp:
    return make_app(save_dir=root, content_dir=REPO_ROOT, judge=FakeJudge(),
                    reduced_motion=True)


def solved_through(chapter: str) -> tuple[str, ...]:
    """Every puzzle of the chapters before `chapter`, so that it is unlocked."""
    order = {c.id: c.spec.order for c in CATALOG.chapters}
    return tuple(p.id for p in CATALOG.puzzles.values()
                 if order[p.chapter] < order[chapter] and p.chapter != "gauntlet")


@pytest.mark.parametrize(("puzzle_id", "size"), [
    ("act2.warmup_cosine", (120, 40)),
    ("act3.quantize_int8", (100, 30)),
    ("act4.bce_with_logits", (80, 24)),
])
def test_a_puzzle_of_a_later_act(snap_compare, saves: Path, puzzle_id: str, size) -> None:
    chapter = puzzle_id.split(".")[0]
    make_slot(saves, "ada", "Ada", solved=solved_through(chapter), chapter=chapter)

    async def run_before(pilot) -> None:
        pilot.app.open_slot("ada")
        await settle(pilot)
        pilot.app.play(chapter, FlowItem("puzzle", puzzle_id))
        await settle(pilot)

    assert snap_compare(real_game(saves), terminal_size=size, run_before=run_before)


def test_the_ending(snap_compare, saves: Path) -> None:
    everything = tuple(p for p in CATALOG.puzzles if not p.startswith("gauntlet."))
    make_slot(saves, "ada", "Ada", solved=everything, chapter="finale")

    async def run_before(pilot) -> None:
        pilot.app.open_slot("ada")
        await settle(pilot)
        pilot.app.show_ending()
        await settle(pilot)

    assert snap_compare(real_game(saves), terminal_size=(100, 30), run_before=run_before)
