"""Snapshot tests of every screen: fixed terminal size, fake judge, fixture content, fixed clock
in the saves. Regenerate with `pytest tests/snapshots --snapshot-update` and inspect the SVGs."""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ui"))

from ui_helpers import DOUBLE, FIXTURE_CONTENT, SIZE, FakeJudge, solution  # noqa: E402

from game.core.content import FlowItem  # noqa: E402
from game.core.saves import SaveState, SaveStore  # noqa: E402
from game.ui.app import TorchensteinApp, make_app  # noqa: E402

STAMP = "2025-03-14T09:26:53+00:00"


def make_slot(root: Path, name: str, apprentice: str, *, solved: tuple[str, ...] = (),
              chapter: str | None = None) -> None:
    """A saved slot with a fixed 'last played' time."""
    with SaveStore(root).open_slot(name) as slot:
        state = SaveState.new(apprentice)
        for puzzle_id in solved:
            state.record_verdict(puzzle_id, True, {"lines": 3, "chars": 5, "time_ratio": 1.1})
        state.mark_scene_seen("prologue/transmission")
        state.location.screen, state.location.chapter = "map", chapter
        slot.save(state)
    path = root / name / "state.json"
    data = json.loads(path.read_text())
    data["created_at"] = data["updated_at"] = STAMP
    for record in data["puzzles"].values():
        record["solved_at"] = STAMP
    path.write_text(json.dumps(data))


def game(root: Path) -> TorchensteinApp:
    return make_app(save_dir=root, content_dir=FIXTURE_CONTENT, judge=FakeJudge(),
                    reduced_motion=True)


async def settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    pilot.app.clear_notifications()
    await pilot.pause()


async def open_ada(pilot) -> None:
    pilot.app.open_slot("ada")
    await settle(pilot)


def test_title(snap_compare, saves: Path) -> None:
    make_slot(saves, "ada", "Ada", solved=(DOUBLE,), chapter="prologue")
    assert snap_compare(game(saves), terminal_size=SIZE, run_before=settle)


def test_map(snap_compare, saves: Path) -> None:
    make_slot(saves, "ada", "Ada", solved=(DOUBLE,), chapter="prologue")
    assert snap_compare(game(saves), terminal_size=SIZE, run_before=open_ada)


def test_scene(snap_compare, saves: Path) -> None:
    make_slot(saves, "ada", "Ada", chapter="prologue")

    async def run_before(pilot) -> None:
        await open_ada(pilot)
        pilot.app.play("prologue", FlowItem("scene", "prologue/transmission"))
        await settle(pilot)

    assert snap_compare(game(saves), terminal_size=SIZE, run_before=run_before)


def test_puzzle_with_a_failing_result(snap_compare, saves: Path) -> None:
    make_slot(saves, "ada", "Ada", chapter="prologue")

    async def run_before(pilot) -> None:
        await open_ada(pilot)
        pilot.app.play("prologue", FlowItem("puzzle", DOUBLE))
        await settle(pilot)
        await pilot.press("f1", "f6")
        await settle(pilot)

    assert snap_compare(game(saves), terminal_size=SIZE, run_before=run_before)


def test_pass_screen(snap_compare, saves: Path) -> None:
    make_slot(saves, "ada", "Ada", chapter="prologue")

    async def run_before(pilot) -> None:
        await open_ada(pilot)
        pilot.app.play("prologue", FlowItem("puzzle", DOUBLE))
        await settle(pilot)
        pilot.app.screen.editor.load_text(solution(DOUBLE))
        await pilot.press("f6")
        await settle(pilot)

    assert snap_compare(game(saves), terminal_size=SIZE, run_before=run_before)


def test_notebook(snap_compare, saves: Path) -> None:
    make_slot(saves, "ada", "Ada", solved=(DOUBLE,), chapter="prologue")

    async def run_before(pilot) -> None:
        await open_ada(pilot)
        await pilot.press("n")
        await settle(pilot)

    assert snap_compare(game(saves), terminal_size=SIZE, run_before=run_before)


def test_settings(snap_compare, saves: Path) -> None:
    make_slot(saves, "ada", "Ada", chapter="prologue")

    async def run_before(pilot) -> None:
        await open_ada(pilot)
        await pilot.press("comma")
        await settle(pilot)

    assert snap_compare(game(saves), terminal_size=SIZE, run_before=run_before)


def test_load(snap_compare, saves: Path) -> None:
    make_slot(saves, "ada", "Ada", solved=(DOUBLE,), chapter="prologue")
    make_slot(saves, "bob", "Robert", chapter="prologue")

    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)

    assert snap_compare(game(saves), terminal_size=SIZE, run_before=run_before)


# -- 80×24: the smallest terminal the game is laid out for -----------------------------------
SMALL = (80, 24)


def test_map_80x24(snap_compare, saves: Path) -> None:
    make_slot(saves, "ada", "Ada", solved=(DOUBLE,), chapter="prologue")
    assert snap_compare(game(saves), terminal_size=SMALL, run_before=open_ada)


def test_scene_80x24(snap_compare, saves: Path) -> None:
    make_slot(saves, "ada", "Ada", chapter="prologue")

    async def run_before(pilot) -> None:
        await open_ada(pilot)
        pilot.app.play("prologue", FlowItem("scene", "prologue/devices"))
        await settle(pilot)

    assert snap_compare(game(saves), terminal_size=SMALL, run_before=run_before)


def test_puzzle_with_a_failing_result_80x24(snap_compare, saves: Path) -> None:
    make_slot(saves, "ada", "Ada", chapter="prologue")

    async def run_before(pilot) -> None:
        await open_ada(pilot)
        pilot.app.play("prologue", FlowItem("puzzle", DOUBLE))
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)

    assert snap_compare(game(saves), terminal_size=SMALL, run_before=run_before)
