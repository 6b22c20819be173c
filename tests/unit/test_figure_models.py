"""Figures in a verdict: bounded, finite, and carried through the result JSON."""

import pytest
from pydantic import ValidationError

from game.core.figures import MAX_CELLS, MAX_FIGURES, MAX_POINTS, Heatmap, Scatter, Series
from game.core.result import Result, Status
from game.engine.checks import Context


def test_figures_round_trip_through_json():
    ctx = Context(device="cpu", cuda_available=False, mps_available=False, seed=1)
    ctx.add_figure(Series(title="loss", x=[0, 1, 2], lines={"yours": [3.0, 2.0, 1.0]}))
    ctx.add_figure(Heatmap(title="head 0", values=[[0.5, 0.5], [1.0, 0.0]]))
    ctx.add_figure(Scatter(title="samples", groups={"data": [(0.0, 1.0)]}))
    result = Result(puzzle="act1.gelu", status=Status.PASS, message="", figures=ctx.figures)
    again = Result.model_validate_json(result.model_dump_json())
    assert [f.kind for f in again.figures] == ["series", "heatmap", "scatter"]
    assert again.figures[1].values == [[0.5, 0.5], [1.0, 0.0]]


@pytest.mark.parametrize("make", [
    lambda: Series(title="t", x=[0, 1], lines={"a": [1.0]}),
    lambda: Series(title="t", x=[0], lines={"a": [float("nan")]}),
    lambda: Series(title="t", x=list(range(MAX_POINTS + 1)), lines={"a": [0.0] * (MAX_POINTS + 1)}),
    lambda: Heatmap(title="t", values=[[1.0, 2.0], [3.0]]),
    lambda: Heatmap(title="t", values=[[0.0] * (MAX_CELLS + 1)]),
    lambda: Scatter(title="t", groups={"a": [(0.0, float("inf"))]}),
])
def test_malformed_figures_are_refused(make):
    with pytest.raises(ValidationError):
        make()


def test_a_result_holds_a_bounded_number_of_figures():
    ctx = Context(device="cpu", cuda_available=False, mps_available=False, seed=1)
    for i in range(MAX_FIGURES + 3):
        ctx.add_figure(Series(title=str(i), x=[0], lines={"a": [0.0]}))
    assert len(ctx.figures) == MAX_FIGURES
    with pytest.raises(ValidationError):
        Result.model_validate({"puzzle": "x", "status": "pass", "message": "",
                               "figures": [{"kind": "series", "title": "t", "x": [0],
                                            "lines": {"a": [0]}}] * (MAX_FIGURES + 1)})
