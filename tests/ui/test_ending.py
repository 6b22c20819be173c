"""The ending: Enter on the finale's last page opens the credits and the player's record;
from there every chapter can be revisited."""

from __future__ import annotations

import asyncio
from pathlib import Path

from ui_helpers import FakeJudge, plain, wait_until

from game.core.content import FlowItem, load_catalog
from game.ui.app import make_app
from game.ui.screens.ending import EndingScreen, record_of
from game.ui.screens.map import MapScreen
from game.ui.screens.scene import SceneScreen


def test_the_finale_ends_on_the_credits_and_the_record(tmp_path: Path) -> None:
    catalog = load_catalog()
    finale = catalog.chapter("finale")
    last = finale.items[-1]
    assert last.kind == "scene"
    exam = catalog.chapter("gauntlet").puzzle_ids()

    async def scenario() -> None:
        app = make_app(save_dir=tmp_path, judge=FakeJudge(), reduced_motion=True)
        async with app.run_test(size=(100, 40)) as pilot:
            await pilot.press("n")
            await pilot.pause()
            await pilot.press(*"Ada", "enter")
            await pilot.pause()
            state = app.session.state
            for item in finale.items:
                if item.kind == "puzzle":
                    state.record_verdict(item.id, True, {"lines": 3, "chars": 40})
            state.record_verdict(exam[0], False, None)
            state.record_verdict(exam[0], True, {"lines": 1, "chars": 17})
            app.session.record_hint(finale.puzzle_ids()[0], 2)
            app.play("finale", FlowItem("scene", last.id))
            await wait_until(pilot, lambda: isinstance(app.screen, SceneScreen)
                             and app.screen.scene.id == last.id, what="the last scene")
            await pilot.pause()
            await pilot.press(*["enter"] * len(app.screen.scene.pages))
            await wait_until(pilot, lambda: isinstance(app.screen, EndingScreen),
                             what="the ending")
            screen = app.screen
            credits = plain(screen.query_one("#ending-credits"))
            assert "Krzysztof Sopyła" in credits and "pytorchcourse.com" in credits
            assert "Deconstructing Modern Architectures" in credits
            assert "srush/Tensor-Puzzles" in credits and "Sasha Rush" in credits
            shown = plain(screen.query_one("#ending-record"))
            record = record_of(app.catalog, state)
            assert record.solved == len(finale.puzzle_ids())
            assert f"{record.solved} of {record.total}" in shown
            assert record.hints == 2 and "Hints used" in shown
            assert record.submissions == len(finale.puzzle_ids()) + 2
            assert f"1 of {len(exam)} solved" in shown
            assert record.exam_chars is None  # the exam is not finished: no score yet
            await pilot.press("enter")
            await wait_until(pilot, lambda: isinstance(app.screen, MapScreen), what="the map")

    asyncio.run(scenario())
