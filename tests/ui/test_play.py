"""Pilot tests with a fake judge: the screens, the keys, the saves. Fast and deterministic."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

import pytest
from textual.command import CommandList
from ui_helpers import (
    DOUBLE,
    FIXTURE_CONTENT,
    POSITIVE,
    SIZE,
    FakeJudge,
    notifications,
    plain,
    solution,
    type_code,
    type_text,
    wait_until,
)

from game.core.saves import SaveStore
from game.ui.app import TorchensteinApp, make_app
from game.ui.screens.dialogs import ConfirmDialog, CorruptSaveDialog, TextPrompt
from game.ui.screens.load import LoadScreen
from game.ui.screens.map import MapScreen
from game.ui.screens.notebook import NotebookScreen
from game.ui.screens.puzzle import PuzzleScreen
from game.ui.screens.scene import SceneScreen, partial_markdown
from game.ui.screens.settings import SettingsScreen
from game.ui.screens.solved import SolvedScreen
from game.ui.screens.title import TitleScreen
from game.ui.widgets.results import ResultsPanel, RuleRow


def new_app(saves: Path, judge: FakeJudge | None = None, **kwargs) -> TorchensteinApp:
    return make_app(save_dir=saves, content_dir=FIXTURE_CONTENT, judge=judge or FakeJudge(),
                    reduced_motion=kwargs.pop("reduced_motion", True), **kwargs)


def run(coro) -> None:
    asyncio.run(coro)


async def start_new_game(pilot, name: str = "Ada") -> None:
    await pilot.press("n")
    assert isinstance(pilot.app.screen, TextPrompt)
    await type_text(pilot, name)
    await pilot.press("enter")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, SceneScreen), what="a scene")


async def open_puzzle(pilot, puzzle_id: str) -> PuzzleScreen:
    app = pilot.app
    chapter = app.catalog.chapter("prologue")
    item = next(i for i in chapter.items if i.id == puzzle_id)
    app.play("prologue", item)
    await wait_until(pilot, lambda: isinstance(app.screen, PuzzleScreen)
                     and app.screen.puzzle.id == puzzle_id, what=puzzle_id)
    await pilot.pause()
    return app.screen


async def replace_draft(pilot, screen: PuzzleScreen, text: str) -> None:
    screen.editor.select_all()
    await pilot.press("backspace")
    await type_code(pilot, text)


async def check(pilot, key: str) -> None:
    await pilot.press(key)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_title_new_game_reads_scene_and_reaches_puzzle(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = new_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            assert isinstance(app.screen, TitleScreen)
            await start_new_game(pilot, "Ada Lovelace")
            assert app.session.slot_name == "ada-lovelace"
            scene = app.screen
            assert scene.scene.id == "prologue/transmission" and scene.page == 0
            await pilot.press("right")
            assert scene.page == 1
            await pilot.press("left")
            assert scene.page == 0
            await pilot.press("space", "enter")
            await wait_until(pilot, lambda: isinstance(app.screen, PuzzleScreen), what="puzzle")
            assert app.screen.puzzle.id == DOUBLE
            assert "prologue/transmission" in app.session.state.scenes_seen
            draft = tmp_path / "ada-lovelace" / "workspace" / f"{DOUBLE}.py"
            assert draft.read_text() == app.catalog.puzzle(DOUBLE).starter
            saved = json.loads((tmp_path / "ada-lovelace" / "state.json").read_text())
            assert saved["apprentice"] == "Ada Lovelace"
            assert saved["location"]["screen"] == "puzzle"

    run(scenario())


def test_failing_submission_shows_the_details(tmp_path: Path) -> None:
    async def scenario() -> None:
        judge = FakeJudge()
        app = new_app(tmp_path, judge)
        async with app.run_test(size=SIZE) as pilot:
            await start_new_game(pilot)
            screen = await open_puzzle(pilot, DOUBLE)
            await check(pilot, "f6")
            assert judge.calls[-1]["quick"] is False
            # A stuck judge is given up on, but only well past the puzzle's own wall limit.
            assert judge.calls[-1]["timeout"] > screen.puzzle.spec.limits.wall_s
            panel = screen.query_one(ResultsPanel)
            verdict = plain(panel.query_one("#verdict-head"))
            assert "✘ Wrong answer" in verdict
            rows = panel.query(".test-row")
            assert len(rows) == 2
            failing, passing = rows
            assert not failing.collapsed and passing.collapsed  # the first failure is open
            details = plain(failing.query_one("Contents Static"))
            for expected in ("expected", "float32 (3,) [2, -4, 0]", "got",
                             "float32 (3,) [1, -2, 0]", "inputs", "printed",
                             "shape torch.Size([3])"):
                assert expected in details
            assert app.session.attempts(DOUBLE) == 1
            # quick checks run the examples only and are not counted as attempts
            await check(pilot, "f5")
            assert judge.calls[-1]["quick"] is True
            assert app.session.attempts(DOUBLE) == 1

    run(scenario())


def test_rule_broken_selects_the_offending_line(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = new_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await start_new_game(pilot)
            screen = await open_puzzle(pilot, POSITIVE)
            await replace_draft(pilot, screen, "import torch\n\n\ndef positive(x):\n"
                                               "    return torch.relu(x)\n")
            await check(pilot, "f6")
            assert screen.query(RuleRow)
            assert screen.editor.selection.start == (4, 0)  # line 5 is selected
            assert screen.editor.selected_text.startswith("    return torch.relu(x)")
            screen.editor.move_cursor((0, 0))
            await pilot.click(RuleRow)
            assert screen.editor.cursor_location[0] in (4, 5)
            assert screen.editor.selection.start == (4, 0)

    run(scenario())


def test_hints_advance_tier_by_tier(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = new_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await start_new_game(pilot)
            screen = await open_puzzle(pilot, DOUBLE)
            tiers = app.catalog.puzzle(DOUBLE).spec.hints.tiers()
            for level in (1, 2, 3):
                await pilot.press("f1")
                await pilot.pause()
                shown = screen.query(".hint")
                assert len(shown) == level
                assert " ".join(tiers[level - 1].split()[:2]) in plain(shown[-1])
                assert app.session.hints_used(DOUBLE) == level
            assert "Backprop the duck" in plain(screen.query(".hint")[0])
            await pilot.press("f1")
            await pilot.pause()
            assert len(screen.query(".hint")) == 3
            assert any("last hint" in n for n in notifications(app))
            saved = json.loads((tmp_path / "ada" / "state.json").read_text())
            assert saved["puzzles"][DOUBLE]["hints_used"] == 3

    run(scenario())


def test_pass_shows_the_professors_solution_then_continues(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = new_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await start_new_game(pilot)
            screen = await open_puzzle(pilot, DOUBLE)
            await replace_draft(pilot, screen, solution(DOUBLE))
            await check(pilot, "f6")
            await wait_until(pilot, lambda: isinstance(app.screen, SolvedScreen), what="pass")
            solved = app.screen
            assert solved.query_one("#theirs").text == app.catalog.puzzle(DOUBLE).solution
            assert solved.query_one("#mine").text.strip() == solution(DOUBLE).strip()
            assert app.session.solved(DOUBLE)
            await pilot.press("enter")
            await wait_until(pilot, lambda: isinstance(app.screen, SceneScreen), what="scene")
            assert app.screen.scene.id == "prologue/devices"
            await pilot.press("n")  # not a notebook key here: the scene ignores it
            await pilot.press("escape")
            await wait_until(pilot, lambda: isinstance(app.screen, MapScreen), what="map")
            await pilot.press("n")
            await wait_until(pilot, lambda: isinstance(app.screen, NotebookScreen), what="book")
            text = app.screen.query_one("#notebook").source
            assert "Elementwise arithmetic" in text and "`torch.mul`" in text
            assert "Masks" not in text  # prologue.positive is not solved yet

    run(scenario())


def test_reset_asks_first(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = new_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await start_new_game(pilot)
            screen = await open_puzzle(pilot, DOUBLE)
            await type_text(pilot, " + 0")
            changed = screen.editor.text
            await pilot.press("f2")
            assert isinstance(app.screen, ConfirmDialog)
            await pilot.press("n")
            assert screen.editor.text == changed
            await pilot.press("f2")
            await pilot.press("y")
            await pilot.pause()
            assert screen.editor.text == app.catalog.puzzle(DOUBLE).starter
            draft = tmp_path / "ada" / "workspace" / f"{DOUBLE}.py"
            assert draft.read_text() == app.catalog.puzzle(DOUBLE).starter

    run(scenario())


def test_cancel_and_keys_while_a_check_runs(tmp_path: Path) -> None:
    async def scenario() -> None:
        judge = FakeJudge()
        judge.hold = True
        app = new_app(tmp_path, judge)
        async with app.run_test(size=SIZE) as pilot:
            await start_new_game(pilot)
            screen = await open_puzzle(pilot, DOUBLE)
            await pilot.press("f6")
            await wait_until(pilot, lambda: judge.waiting, what="the check to start")
            assert screen.checking
            await type_text(pilot, "#")  # the editor still takes keys
            assert screen.editor.text.count("#") == 1
            await pilot.press("escape")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert judge.cancels >= 1 and not screen.checking
            assert "cancelled" in plain(screen.query_one(".results-note"))
            assert isinstance(app.screen, PuzzleScreen)  # Esc cancelled, it did not leave
            judge.hold = False
            await check(pilot, "f5")
            assert "Wrong answer" in plain(screen.query_one("#verdict-head"))
            await pilot.press("escape")  # nothing running: back to the map
            await wait_until(pilot, lambda: isinstance(app.screen, MapScreen), what="map")

    run(scenario())


def test_judge_death_is_reported_and_the_next_check_works(tmp_path: Path) -> None:
    async def scenario() -> None:
        judge = FakeJudge()
        app = new_app(tmp_path, judge)
        async with app.run_test(size=SIZE) as pilot:
            await start_new_game(pilot)
            screen = await open_puzzle(pilot, DOUBLE)
            await type_text(pilot, " # keep me")
            judge.fail_next = True
            await check(pilot, "f6")
            assert any("judge stopped" in n for n in notifications(app))
            assert app.device_badge == "judge: down"
            assert "keep me" in screen.editor.text
            assert "keep me" in (tmp_path / "ada" / "workspace" / f"{DOUBLE}.py").read_text()
            await check(pilot, "f6")
            assert "Wrong answer" in plain(screen.query_one("#verdict-head"))
            assert app.device_badge.startswith("⚙ cpu")

    run(scenario())


def test_outside_edits_reload_and_quick_check(tmp_path: Path) -> None:
    async def scenario() -> None:
        judge = FakeJudge()
        app = new_app(tmp_path, judge)
        async with app.run_test(size=SIZE) as pilot:
            await start_new_game(pilot)
            screen = await open_puzzle(pilot, DOUBLE)
            draft = tmp_path / "ada" / "workspace" / f"{DOUBLE}.py"
            draft.write_text(solution(DOUBLE))
            await wait_until(pilot, lambda: judge.calls, what="the quick check")
            await app.workers.wait_for_complete()
            assert screen.editor.text == solution(DOUBLE)
            assert judge.calls[-1]["quick"] is True
            assert judge.calls[-1]["source"] == solution(DOUBLE)
            assert "examples pass" in plain(screen.query_one("#verdict-head"))

    run(scenario())


def test_resume_puts_the_player_back_exactly(tmp_path: Path) -> None:
    async def first() -> None:
        app = new_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await start_new_game(pilot)
            screen = await open_puzzle(pilot, DOUBLE)
            screen.editor.move_cursor((4, 4))
            await type_text(pilot, "(")
            await pilot.press("f1")
            await app.action_quit()

    async def second() -> None:
        app = new_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("c")
            await wait_until(pilot, lambda: isinstance(app.screen, PuzzleScreen), what="puzzle")
            await pilot.pause()
            screen = app.screen
            assert screen.editor.text.splitlines()[4] == "    (return x"
            assert screen.editor.cursor_location == (4, 5)
            assert len(screen.query(".hint")) == 1

    run(first())
    run(second())


def test_resume_in_a_scene_and_page(tmp_path: Path) -> None:
    async def first() -> None:
        app = new_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await start_new_game(pilot)
            await pilot.press("enter")
            assert app.screen.page == 1
            await app.action_quit()

    async def second() -> None:
        app = new_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("c")
            await wait_until(pilot, lambda: isinstance(app.screen, SceneScreen), what="scene")
            assert app.screen.scene.id == "prologue/transmission"
            if "page" in type(app.session.location).model_fields:
                assert app.screen.page == 1

    run(first())
    run(second())


def test_corrupt_slot_offers_the_backup(tmp_path: Path) -> None:
    store = SaveStore(tmp_path)
    with store.open_slot("ada") as slot:
        from game.core.saves import SaveState

        state = SaveState.new("Ada")
        state.record_verdict(DOUBLE, True)
        slot.save(state)
        slot.save(state)  # the second save keeps the first as the backup
    (tmp_path / "ada" / "state.json").write_text("{ not json")

    async def scenario() -> None:
        app = new_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("c")
            await wait_until(pilot, lambda: isinstance(app.screen, CorruptSaveDialog),
                             what="the damaged-save dialog")
            text = plain(app.screen.query_one(".dialog-text"))
            assert "ada" in text and "not valid JSON" in text
            await pilot.click("#restore")
            await wait_until(pilot, lambda: isinstance(app.screen, MapScreen), what="map")
            assert app.session.solved(DOUBLE)
            assert list((tmp_path / "ada").glob("state.json.broken-*"))
            assert any("damaged file was kept" in n for n in notifications(app))

    run(scenario())


def test_settings_change_and_persist(tmp_path: Path) -> None:
    async def scenario() -> None:
        judge = FakeJudge(devices={"cpu": True, "cuda": True, "mps": False})
        app = new_app(tmp_path, judge)
        async with app.run_test(size=SIZE) as pilot:
            await start_new_game(pilot)
            await app.workers.wait_for_complete()
            app.show_settings()
            await wait_until(pilot, lambda: isinstance(app.screen, SettingsScreen)
                             and app.screen.query("#device-mps"), what="the settings")
            assert app.screen.query_one("#device-mps").disabled
            assert not app.screen.query_one("#device-cuda").disabled
            await pilot.click("#device-cpu")
            assert app.session.settings.device == "cpu"
            assert app.device_badge == "⚙ cpu"
            await pilot.click("#reduced-motion")
            assert app.session.settings.reduced_motion is True
            app.theme = "nord"
            await pilot.pause()
            saved = json.loads((tmp_path / "ada" / "state.json").read_text())
            assert saved["settings"] == {"device": "cpu", "theme": "nord",
                                         "reduced_motion": True}

    run(scenario())


def test_load_screen_renames_and_deletes_after_confirming(tmp_path: Path) -> None:
    store = SaveStore(tmp_path)
    for name in ("bob", "cyd"):
        with store.open_slot(name) as slot:
            from game.core.saves import SaveState

            slot.save(SaveState.new(name.title()))

    async def scenario() -> None:
        app = new_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("l")
            await wait_until(pilot, lambda: isinstance(app.screen, LoadScreen), what="load")
            load = app.screen
            first = load.selected()
            await pilot.press("r")
            assert isinstance(app.screen, TextPrompt)
            app.screen.query_one("Input").value = "renamed"
            await pilot.press("enter")
            await pilot.pause()
            assert store.exists("renamed") and not store.exists(first)
            await pilot.press("d")
            assert isinstance(app.screen, ConfirmDialog)
            await pilot.press("escape")
            assert len(store.slot_names()) == 2
            target = load.selected()
            await pilot.press("d", "y")
            await pilot.pause()
            assert store.slot_names() == sorted({"bob", "cyd", "renamed"} - {first, target})
            remaining = load.selected()
            await pilot.press("enter")
            await wait_until(pilot, lambda: app.session.slot_name == remaining, what="load")

    run(scenario())


def test_command_palette_jumps_to_an_unlocked_puzzle(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = new_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await start_new_game(pilot)
            await pilot.press("ctrl+p")
            await type_text(pilot, "Twice")

            def hit() -> bool:
                found = app.screen.query(CommandList)
                return bool(found) and found.first().option_count > 0 and "Twice" in str(
                    found.first().get_option_at_index(0).prompt)

            await wait_until(pilot, hit, what="the palette's hits")
            await pilot.press("enter")
            await wait_until(pilot, lambda: isinstance(app.screen, PuzzleScreen),
                             what="the puzzle")
            assert app.screen.puzzle.id == DOUBLE

    run(scenario())


def test_typewriter_types_unless_motion_is_reduced(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("game.ui.screens.scene.CHARS_PER_TICK", 1)  # slow enough to catch

    async def scenario() -> None:
        app = new_app(tmp_path, reduced_motion=False)
        async with app.run_test(size=SIZE) as pilot:
            await start_new_game(pilot)
            scene = app.screen
            assert scene.typing
            await pilot.press("enter")  # the first Enter finishes the page
            assert not scene.typing and scene.page == 0
            await pilot.press("enter")
            assert scene.page == 1

    run(scenario())


@pytest.mark.parametrize(("text", "length", "expected"), [
    ("**YOU:** Yes. Who is this?", 5, "**YOU**"),
    ("a *very* `odd` day", 9, "a *very*"),
    ("say `a b` now", 7, "say `a`"),
])
def test_partial_markdown_closes_open_spans(text: str, length: int, expected: str) -> None:
    assert partial_markdown(text, length) == expected


def test_quit_saves_and_stops_the_judge(tmp_path: Path) -> None:
    async def scenario() -> None:
        judge = FakeJudge()
        app = new_app(tmp_path, judge)
        async with app.run_test(size=SIZE) as pilot:
            await start_new_game(pilot)
            await pilot.press("ctrl+q")
            await pilot.pause()
        assert judge.closed
        assert not (tmp_path / "ada" / ".lock").exists()

    run(scenario())
    assert os.path.exists(tmp_path / "ada" / "state.json")
