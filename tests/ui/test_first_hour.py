"""A newcomer's first minutes, at 80×24 and 120×40: the verdict stays in sight, the editor keys
are Python's, and no key press is lost or misplaced."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from textual.widgets.text_area import Selection
from ui_helpers import (
    DOUBLE,
    FIXTURE_CONTENT,
    POSITIVE,
    FakeJudge,
    notifications,
    plain,
    type_code,
    type_text,
    wait_until,
)

from game.core.result import Result, Status
from game.core.result import TestResult as Case
from game.ui.app import TorchensteinApp, make_app
from game.ui.screens.map import MapScreen
from game.ui.screens.notebook import NotebookScreen
from game.ui.screens.puzzle import PuzzleScreen
from game.ui.screens.scene import SceneScreen
from game.ui.widgets.results import ResultsPanel

SIZES = [(80, 24), (120, 40)]


def new_app(saves: Path, judge: FakeJudge | None = None, **kwargs) -> TorchensteinApp:
    return make_app(save_dir=saves, content_dir=FIXTURE_CONTENT, judge=judge or FakeJudge(),
                    reduced_motion=True, **kwargs)


async def new_game_to_first_puzzle(pilot) -> PuzzleScreen:
    """Title → New game → the first scene → Skip → the first puzzle, as a player does."""
    app = pilot.app
    await pilot.press("n")
    await type_text(pilot, "Ada")
    await pilot.press("enter")
    await wait_until(pilot, lambda: isinstance(app.screen, SceneScreen), what="the first scene")
    await pilot.press("s")
    await wait_until(pilot, lambda: isinstance(app.screen, PuzzleScreen), what="the puzzle")
    await pilot.pause()
    return app.screen


def on_screen(app: TorchensteinApp, widget) -> bool:
    """Whether all of `widget` is drawn inside the terminal, above the footer."""
    region = widget.region
    return (region.height > 0 and region.y >= 1
            and region.bottom <= app.size.height - 1 and region.right <= app.size.width)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_f6_on_the_starter_shows_headline_and_diagnosis_without_scrolling(
        tmp_path: Path, size: tuple[int, int]) -> None:
    async def scenario() -> None:
        app = new_app(tmp_path)
        async with app.run_test(size=size) as pilot:
            screen = await new_game_to_first_puzzle(pilot)
            assert screen.puzzle.id == DOUBLE
            await pilot.press("f6")
            await app.workers.wait_for_complete()
            # A few frames later too (the panel used to scroll to the cases half a second on).
            for _ in range(5):
                await pilot.pause()
            panel = screen.query_one(ResultsPanel)
            head = panel.head
            text = plain(head)
            assert "✘ Wrong answer" in text
            assert "Test 'example: 1, -2, 0' failed" in text
            assert on_screen(app, head), (head.region, app.size)
            assert panel.region.contains_region(head.region)
            # The message is said once: the failing case does not repeat it.
            details = plain(panel.query_one(".test-row Contents Static"))
            assert "2 of 3 values differ" not in details and "expected" in details

    asyncio.run(scenario())


def test_a_new_check_marks_the_old_verdict_stale_and_never_blanks_it(tmp_path: Path) -> None:
    async def scenario() -> None:
        judge = FakeJudge()
        app = new_app(tmp_path, judge)
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await new_game_to_first_puzzle(pilot)
            await pilot.press("f6")
            await app.workers.wait_for_complete()
            await pilot.pause()
            panel = screen.query_one(ResultsPanel)
            judge.hold = True
            await pilot.press("f5")
            await wait_until(pilot, lambda: judge.waiting, what="the held check")
            await pilot.pause()
            text = plain(panel.head)
            assert panel.has_class("stale")
            assert "Quick check running" in text and "previous verdict" in text
            assert "✘ Wrong answer" in text  # the old verdict is still there, marked
            assert panel.query(".test-row")
            judge.release()
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert not panel.has_class("stale")
            assert "previous verdict" not in plain(panel.head)

    asyncio.run(scenario())


def test_a_broken_rule_says_nothing_was_run(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = new_app(tmp_path)
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await new_game_to_first_puzzle(pilot)
            screen.editor.select_all()
            await pilot.press("backspace")
            await type_code(pilot, "def double(x):\n    return torch.relu(x)\n")
            await pilot.press("f6")
            await app.workers.wait_for_complete()
            await pilot.pause()
            panel = screen.query_one(ResultsPanel)
            assert not panel.query(".test-row")
            assert "Nothing was run" in plain(panel.query_one(".nothing-ran"))

    asyncio.run(scenario())


def test_a_runtime_error_shows_its_traceback_once(tmp_path: Path) -> None:
    trace = ("Traceback (your code, most recent call last):\n  line 2, in double\n"
             "    return x / 0\nZeroDivisionError: division by zero")

    def answer(puzzle_id: str, source: str, quick: bool) -> Result:
        tests = [Case(name=f"case {i}", status="error", message=trace) for i in range(3)]
        return Result(puzzle=puzzle_id, status=Status.RUNTIME_ERROR, tests=tests,
                      message=f"Test 'case 0' raised an error:\n{trace}", traceback=trace)

    async def scenario() -> None:
        app = new_app(tmp_path, FakeJudge(answer=answer))
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await new_game_to_first_puzzle(pilot)
            await pilot.press("f6")
            await app.workers.wait_for_complete()
            await pilot.pause()
            panel = screen.query_one(ResultsPanel)
            head = plain(panel.head)
            assert "raised ZeroDivisionError: division by zero (line 2)" in head
            assert "Traceback" not in head
            shown = [plain(w) for w in panel.body.query("Static")]
            assert sum("Traceback (your code" in text for text in shown) == 1

    asyncio.run(scenario())


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_a_fresh_draft_opens_at_line_1_column_0(tmp_path: Path, size: tuple[int, int]) -> None:
    async def scenario() -> None:
        app = new_app(tmp_path)
        async with app.run_test(size=size) as pilot:
            screen = await new_game_to_first_puzzle(pilot)
            assert screen.editor.cursor_location == (0, 0)
            assert screen.editor.scroll_offset == (0, 0)
            assert screen.editor.soft_wrap  # long starter comments wrap instead of hiding

    asyncio.run(scenario())


def test_the_editor_indents_like_python_and_shows_its_keys(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = new_app(tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await new_game_to_first_puzzle(pilot)
            editor = screen.editor
            assert "F7 select all" in str(editor.border_subtitle)
            assert "⇧Tab leave" in str(editor.border_subtitle)
            editor.select_all()
            await pilot.press("backspace")
            await type_text(pilot, "def f(x):\nif x:\nreturn x")
            assert editor.text == "def f(x):\n    if x:\n        return x"
            await pilot.press("f7")
            assert editor.selected_text == editor.text
            editor.selection = Selection((0, 0), (1, 3))
            await pilot.press("tab")
            assert editor.text == "    def f(x):\n        if x:\n        return x"
            assert editor.selection == Selection((0, 0), (1, 13))
            await pilot.press("shift+tab")
            assert screen.focused is not editor
            assert "Tab: back to the editor" in str(editor.border_subtitle)
            await pilot.press("tab")
            assert screen.focused is editor

    asyncio.run(scenario())


def test_enter_on_a_scenes_last_page_never_types_into_the_editor(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = new_app(tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("n")
            await type_text(pilot, "Ada")
            await pilot.press("enter")
            await wait_until(pilot, lambda: isinstance(app.screen, SceneScreen), what="a scene")
            # A player leaning on Enter: more presses than the scene has pages and screens.
            for _ in range(12):
                await pilot.press("enter")
                if isinstance(app.screen, PuzzleScreen):
                    break
            await wait_until(pilot, lambda: isinstance(app.screen, PuzzleScreen), what="puzzle")
            await pilot.pause()
            starter = app.catalog.puzzle(DOUBLE).starter
            editor = app.screen.editor
            assert editor.text == starter
            # Enter still held down (the key repeats): still nothing typed.
            await pilot.press("enter", "enter")
            assert editor.text == starter
            # Once the player presses another key, Enter is Enter again.
            await pilot.press("down", "enter")
            assert editor.text == "import torch\n\n" + starter.split("\n", 1)[1]

    asyncio.run(scenario())


def test_enter_scrolls_a_long_page_before_moving_on(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = new_app(tmp_path)
        async with app.run_test(size=(40, 10)) as pilot:
            await pilot.press("n")
            await type_text(pilot, "Ada")
            await pilot.press("enter")
            await wait_until(pilot, lambda: isinstance(app.screen, SceneScreen), what="a scene")
            await pilot.pause()
            screen = app.screen
            assert screen.more_below, "the fixture page must be taller than 4 rows"
            assert "more below" in plain(screen.query_one("#page-indicator"))
            presses = 0
            while screen.more_below:
                await pilot.press("enter")
                await pilot.pause()
                presses += 1
                assert screen.page == 0 and app.screen is screen
                assert presses < 20
            assert presses >= 1

    asyncio.run(scenario())


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_footer_shows_quit_notebook_and_map(tmp_path: Path,
                                                  size: tuple[int, int]) -> None:
    def footer_keys(app: TorchensteinApp) -> dict[str, str]:
        return {b.key: b.description for _, b, enabled, _ in
                app.screen.active_bindings.values() if b.show and enabled}

    async def scenario() -> None:
        app = new_app(tmp_path)
        async with app.run_test(size=size) as pilot:
            assert "ctrl+q" in footer_keys(app)
            screen = await new_game_to_first_puzzle(pilot)
            keys = footer_keys(app)
            assert {"ctrl+q", "f3", "escape"} <= set(keys) and keys["escape"] == "Map"
            # Everything the footer names fits in the terminal's width.
            width = sum(len(k) + len(d) + 3 for k, d in keys.items())
            assert width <= size[0], keys
            await pilot.press("f3")
            await wait_until(pilot, lambda: isinstance(app.screen, NotebookScreen), what="notes")
            assert {"ctrl+q", "f4"} <= set(footer_keys(app))
            await pilot.press("escape")
            await wait_until(pilot, lambda: app.screen is screen, what="the puzzle again")
            await pilot.press("escape")
            await wait_until(pilot, lambda: isinstance(app.screen, MapScreen), what="the map")
            assert {"ctrl+q", "f3"} <= set(footer_keys(app))

    asyncio.run(scenario())


def test_ctrl_q_in_a_puzzle_saves_the_draft_and_asks_nothing(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = new_app(tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await new_game_to_first_puzzle(pilot)
            await type_text(pilot, "# mine")
            await pilot.press("ctrl+q")
            await pilot.pause()
        assert app.return_code == 0
        draft = Path(tmp_path, "ada", "workspace", f"{DOUBLE}.py").read_text()
        assert draft.startswith("# mine")
        assert screen.puzzle.id == DOUBLE

    asyncio.run(scenario())


def test_the_title_names_the_requested_slot_and_where_continue_goes(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = new_app(tmp_path, slot="tester")
        async with app.run_test(size=(80, 24)) as pilot:
            assert app.slot_label == "slot: tester"
            screen = await new_game_to_first_puzzle(pilot)
            assert app.session.slot_name == "tester"
            assert screen.puzzle.id == DOUBLE
            app.show_title()
            await pilot.pause()
            menu = app.screen.query_one("#title-menu")
            label = str(menu.get_option("continue").prompt)
            assert "Prologue: " in label and "the beginning" not in label
            await pilot.press("enter")  # Continue: back to the puzzle
            await wait_until(pilot, lambda: isinstance(app.screen, PuzzleScreen), what="puzzle")
            assert app.screen.puzzle.id == DOUBLE
            assert not [n for n in notifications(app) if "error" in n.lower()]

    asyncio.run(scenario())


def test_positive_is_reached_by_going_on(tmp_path: Path) -> None:
    """After the first puzzle is solved the story goes on to the scene and puzzle after it."""
    async def scenario() -> None:
        app = new_app(tmp_path)
        async with app.run_test(size=(120, 40)) as pilot:
            await new_game_to_first_puzzle(pilot)
            app.session.state.record_verdict(DOUBLE, True, None)
            app.advance("prologue", after=DOUBLE)
            await wait_until(pilot, lambda: isinstance(app.screen, SceneScreen), what="scene")
            await pilot.press("s")
            await wait_until(pilot, lambda: isinstance(app.screen, PuzzleScreen)
                             and app.screen.puzzle.id == POSITIVE, what="the second puzzle")

    asyncio.run(scenario())


def test_quitting_says_where_everything_was_saved(tmp_path: Path, monkeypatch, capsys) -> None:
    """`run` (what `torchenstein` calls) says "Saved" and names the slot once the game closes."""
    from game.ui import app as app_module

    def scripted_run(self: TorchensteinApp, *args, **kwargs) -> None:
        async def play() -> None:
            async with self.run_test(size=(80, 24)) as pilot:
                await new_game_to_first_puzzle(pilot)
                await pilot.press("ctrl+q")
        asyncio.run(play())

    monkeypatch.setattr(app_module, "make_app", lambda **kwargs: new_app(tmp_path))
    monkeypatch.setattr(TorchensteinApp, "run", scripted_run)
    assert app_module.run(slot=None, saves=tmp_path) == 0
    out = capsys.readouterr().out
    assert out.startswith("Saved: your progress and drafts are on slot 'ada'.")
