"""The story runs on from one chapter into the next, and a scene says what Enter opens."""

from __future__ import annotations

import asyncio
from pathlib import Path

from ui_helpers import FakeJudge, plain, wait_until

from game.core.content import FlowItem, load_catalog
from game.ui.app import make_app
from game.ui.screens.scene import SceneScreen


def test_the_last_scene_of_a_finished_chapter_leads_into_the_next_chapter(tmp_path: Path) -> None:
    catalog = load_catalog()
    prologue, act1 = catalog.chapter("prologue"), catalog.chapter("act1")
    last = prologue.items[-1]
    assert last.kind == "scene"

    async def scenario() -> None:
        app = make_app(save_dir=tmp_path, judge=FakeJudge(), reduced_motion=True)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("n")
            await pilot.pause()
            await pilot.press(*"Ada", "enter")
            await pilot.pause()
            for item in prologue.items:
                if item.kind == "puzzle":
                    app.session.state.record_verdict(item.id, True, {"lines": 1})
                elif item.id != last.id:
                    app.session.mark_seen(item.id)
            app.play("prologue", FlowItem("scene", last.id))
            await wait_until(pilot, lambda: isinstance(app.screen, SceneScreen)
                             and app.screen.scene.id == last.id, what="the last scene")
            screen = app.screen
            await pilot.pause()
            await pilot.press(*["enter"] * (len(screen.scene.pages) - 1))
            await pilot.pause()
            assert "end of the chapter" in plain(screen.query_one("#page-indicator"))
            await pilot.press("enter")
            await wait_until(pilot, lambda: isinstance(app.screen, SceneScreen)
                             and app.screen.scene.id == act1.items[0].id, what="Act I")

    asyncio.run(scenario())
