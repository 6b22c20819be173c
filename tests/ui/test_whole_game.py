"""The whole story, prologue to credits, on a fresh slot: every scene read with Enter, every
puzzle answered with the Professor's own solution (the judge is a stand-in that passes exactly
those; `author check` proves that the real judge does). No dead end, no detour, and the credits
at the end."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

from ui_helpers import FakeJudge, wait_until

from game.core.content import load_catalog
from game.core.result import Metrics, Result, Status
from game.core.result import TestResult as CaseResult
from game.ui.app import make_app
from game.ui.screens.ending import EndingScreen
from game.ui.screens.puzzle import PuzzleScreen
from game.ui.screens.scene import SceneScreen
from game.ui.screens.solved import SolvedScreen

CATALOG = load_catalog()


def _normal(source: str) -> str:
    return re.sub(r"\s+", " ", source).strip()


def professor_passes(puzzle_id: str, source: str, quick: bool) -> Result:
    right = _normal(source) == _normal(CATALOG.puzzle(puzzle_id).solution)
    test = CaseResult(name="the Professor's cases", status="pass" if right else "fail")
    return Result(puzzle=puzzle_id, status=Status.PASS if right else Status.WRONG_ANSWER,
                  message="All 1 test passed." if right else "Not the Professor's answer.",
                  quick=quick, tests=[test], metrics=Metrics(lines=1))


def test_the_whole_story_plays_from_the_prologue_to_the_credits(tmp_path: Path) -> None:
    story = [c for c in sorted(CATALOG.chapters, key=lambda c: c.spec.order)
             if not c.spec.side_quest]
    expected = [item.id for chapter in story for item in chapter.items]
    met: list[str] = []

    async def scenario() -> None:
        app = make_app(save_dir=tmp_path, judge=FakeJudge(answer=professor_passes),
                       reduced_motion=True)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("n")
            await pilot.pause()
            await pilot.press(*"Ada", "enter")
            for _ in range(4 * len(expected) + 400):
                await wait_until(pilot, lambda: isinstance(
                    app.screen, SceneScreen | PuzzleScreen | SolvedScreen | EndingScreen),
                    what="a story screen")
                screen = app.screen
                if isinstance(screen, EndingScreen):
                    break
                if isinstance(screen, SceneScreen):
                    if not met or met[-1] != screen.scene.id:
                        met.append(screen.scene.id)
                    await pilot.press("enter")
                elif isinstance(screen, PuzzleScreen):
                    puzzle = screen.puzzle.id
                    if not met or met[-1] != puzzle:
                        met.append(puzzle)
                    screen.editor.load_text(CATALOG.puzzle(puzzle).solution)
                    await pilot.press("f6")
                    await wait_until(pilot, lambda: isinstance(app.screen, SolvedScreen),
                                     what=f"the pass screen of {puzzle}")
                else:
                    await pilot.press("enter")
                await pilot.pause()
            assert isinstance(app.screen, EndingScreen), f"stopped after {met[-3:]}"
            assert all(app.session.solved(p) for c in story for p in c.puzzle_ids())

    asyncio.run(scenario())
    assert met == expected
