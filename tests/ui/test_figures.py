"""Figures in the interface: a training puzzle's verdict draws its curves (and a scatter plot) in
the results panel and on the pass screen, at 120×40 and at 80×24. The judge is fake: its canned
result carries the figures a training puzzle's evaluator would add."""

from __future__ import annotations

import math
import time
from pathlib import Path

import pytest
from ui_helpers import (
    DOUBLE,
    FIXTURE_CONTENT,
    FakeJudge,
    canned_result,
    plain,
    solution,
    wait_until,
)

from game.core.content import FlowItem
from game.core.figures import Heatmap, Scatter, Series
from game.core.result import Result
from game.core.saves import SaveState, SaveStore
from game.ui.app import TorchensteinApp, make_app
from game.ui.widgets.figures import FigureGallery, HeatmapFigure, Plot, PlotFigure

STEPS = list(range(0, 201, 5))


def training_figures() -> list[Series | Scatter | Heatmap]:
    """What act1.forgetting's evaluator adds, with smooth made-up numbers."""
    rise = [1 - math.exp(-s / 12) for s in STEPS]
    accuracy = Series(
        title="Held-out accuracy while learning task B", y_label="accuracy", x=STEPS,
        lines={"Professor's replay: task A": [0.99 - 0.04 * math.exp(-s / 30)
                                              for s in STEPS],
               "Professor's replay: task B": rise,
               "plain fine-tuning: task A": [math.exp(-s / 25) for s in STEPS]},
        marks={"yours, final: task A": 0.97, "yours, final: task B": 0.99})
    loss = Series(
        title="Held-out loss while learning task B", y_label="cross-entropy", x=STEPS,
        lines={"Professor's replay: task A": [0.05 + 0.02 * math.sin(s / 20)
                                              for s in STEPS],
               "Professor's replay: task B": [8 * math.exp(-s / 15) for s in STEPS],
               "plain fine-tuning: task A": [5 * (1 - math.exp(-s / 40)) for s in STEPS]})
    blobs = Scatter(title="Your labels for the held-out samples", groups={
        f"labelled {c}": [(cx + 0.4 * math.cos(k * 2.4), cy + 0.4 * math.sin(k * 1.7))
                          for k in range(25)]
        for c, (cx, cy) in enumerate([(-2.5, -1.5), (2.5, -1.5), (-2.5, 1.5), (2.5, 1.5)])})
    return [accuracy, loss, blobs]


def with_figures(puzzle_id: str, source: str, quick: bool) -> Result:
    return canned_result(puzzle_id, source, quick).model_copy(
        update={"figures": training_figures()})


@pytest.fixture
def saves(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    root = tmp_path / "saves"
    root.mkdir()
    with SaveStore(root).open_slot("ada") as slot:
        state = SaveState.new("Ada")
        state.location.screen, state.location.chapter = "map", "prologue"
        slot.save(state)
    return root


def game(root: Path) -> TorchensteinApp:
    return make_app(save_dir=root, content_dir=FIXTURE_CONTENT,
                    judge=FakeJudge(answer=with_figures), reduced_motion=True)


async def settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    pilot.app.clear_notifications()
    await pilot.pause()


async def submit(pilot, source: str | None) -> None:
    pilot.app.open_slot("ada")
    await settle(pilot)
    pilot.app.play("prologue", FlowItem("puzzle", DOUBLE))
    await settle(pilot)
    if source is not None:
        pilot.app.screen.editor.load_text(source)
    await pilot.press("f6")
    await settle(pilot)


async def failing_verdict_at_the_figures(pilot) -> None:
    await submit(pilot, None)
    gallery = pilot.app.screen.query_one(FigureGallery)
    gallery.scroll_visible(animate=False, top=True)
    await settle(pilot)


async def passed(pilot) -> None:
    await submit(pilot, solution(DOUBLE))
    await wait_until(pilot, lambda: type(pilot.app.screen).__name__ == "SolvedScreen",
                     what="the pass screen")
    await settle(pilot)


def test_a_verdict_carries_its_figures_into_the_results_panel(saves: Path) -> None:
    import asyncio

    async def run() -> None:
        app = game(saves)
        async with app.run_test(size=(120, 40)) as pilot:
            await submit(pilot, None)
            plots = list(pilot.app.screen.query(PlotFigure))
            assert [p.figure.title for p in plots] == [f.title for f in training_figures()]
            # The curves themselves are drawn (braille dots), with the title, in the plot ...
            drawn = plots[0].query_one(Plot).render().plain
            assert "Held-out accuracy" in drawn
            assert any(ch in drawn for ch in "⠁⠂⠄⡀⢀⣀⠉⠒⠤")
            # ... and every line, the measured marks with their values, and the scatter plot's
            # groups are named in the legends below.
            legends = [plain(p.query_one(".figure-legend")) for p in plots]
            assert all(label in legends[0] for label in (
                "Professor's replay: task A", "Professor's replay: task B",
                "plain fine-tuning: task A"))
            assert "yours, final: task A 0.97" in legends[0]
            assert "labelled 3" in legends[2]

    asyncio.run(run())


def test_a_heatmap_is_drawn_as_shaded_cells() -> None:
    from rich.console import Console

    widget = HeatmapFigure(Heatmap(title="attention, head 0", values=[[0.0, 1.0], [0.5, 0.25]],
                                   row_labels=["q0", "q1"], col_labels=["k0", "k1"]))
    console = Console(width=40, color_system=None, record=True)
    console.print(widget.content)
    text = console.export_text()
    assert "attention, head 0" in text
    assert "·" in text and "█" in text  # the lowest and the highest value's shades
    assert "scale 0" in text and " 1" in text


def test_verdict_with_curves(snap_compare, saves: Path) -> None:
    assert snap_compare(game(saves), terminal_size=(120, 40),
                        run_before=failing_verdict_at_the_figures)


def test_verdict_with_curves_80x24(snap_compare, saves: Path) -> None:
    assert snap_compare(game(saves), terminal_size=(80, 24),
                        run_before=failing_verdict_at_the_figures)


def test_pass_screen_with_curves(snap_compare, saves: Path) -> None:
    async def at_the_figures(pilot) -> None:
        await passed(pilot)
        pilot.app.screen.query_one(FigureGallery).scroll_visible(animate=False, top=True)
        await settle(pilot)

    assert snap_compare(game(saves), terminal_size=(120, 40), run_before=at_the_figures)


def test_pass_screen_with_curves_80x24(snap_compare, saves: Path) -> None:
    async def at_the_figures(pilot) -> None:
        await passed(pilot)
        pilot.app.screen.query_one(FigureGallery).scroll_visible(animate=False, top=True)
        await settle(pilot)

    assert snap_compare(game(saves), terminal_size=(80, 24), run_before=at_the_figures)
