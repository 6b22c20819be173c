"""Figures as text (what `verify` prints): sparklines on a shared scale, marks with their value,
heatmaps as shades with a scale, scatter plots as a small chart, legends that wrap between
entries only."""

from __future__ import annotations

from rich.console import Console

from game.core.figure_text import Entries, legend, render_figures, resample, sparkline
from game.core.figures import Heatmap, Scatter, Series


def text(renderable, width: int = 100) -> str:
    console = Console(width=width, color_system=None, record=True)
    console.print(renderable)
    return console.export_text()


def test_sparkline_spans_the_blocks_on_the_given_scale():
    assert sparkline([0, 1, 2, 3, 4, 5, 6, 7], 0, 7) == "▁▂▃▄▅▆▇█"
    assert sparkline([5, 5], 0, 10) == "▅▅"
    assert sparkline([1, 1, 1], 1, 1) == "▁▁▁"  # a flat scale never divides by zero


def test_resample_averages_runs_and_keeps_short_series():
    assert resample([1, 2, 3], 8) == [1, 2, 3]
    assert resample([0, 2, 4, 6], 2) == [1, 5]
    assert len(resample(list(range(1000)), 32)) == 32


def test_series_share_one_scale_and_show_their_ends_and_marks():
    figure = Series(title="loss", y_label="nats", x=[0, 1, 2, 3],
                    lines={"replay": [4.0, 2.0, 1.0, 0.0], "plain": [0.0, 0.0, 0.0, 0.0]},
                    marks={"yours": 0.5})
    out = text(render_figures([figure]))
    assert "loss" in out and "step 0–3" in out and "nats 0–4" in out
    assert "█▅▃▁" in out  # 4 → 0 on the shared 0..4 scale
    assert "▁▁▁▁" in out  # the flat line sits at the bottom of the same scale
    assert "4 → 0" in out and "0.5 (measured once)" in out


def test_heatmap_shades_and_scatter_chart():
    heat = Heatmap(title="confusion", values=[[9, 1], [0, 10]], row_labels=["a", "b"],
                   col_labels=["a", "b"])
    dots = Scatter(title="samples", groups={"data": [(0.0, 0.0), (1.0, 1.0)],
                                            "model": [(0.5, 0.2)]})
    out = text(render_figures([heat, dots]))
    assert "confusion" in out and "██" in out and "··" in out and "scale 0" in out
    assert "samples" in out and "data" in out and "model" in out
    assert any(ch in out for ch in "⠁⠂⠄⡀⢀⠈⠐⠠")  # plotext's braille dots


def test_a_legend_wraps_between_entries_never_inside_one():
    figure = Series(title="t", x=[0, 1], lines={f"long label number {i}": [0.0, 1.0]
                                                for i in range(4)}, marks={"final value": 0.25})
    lines = text(legend(figure), width=48).splitlines()
    assert len(lines) > 1
    for i in range(4):
        assert sum(f"long label number {i}" in line for line in lines) == 1
    assert any("final value 0.25" in line for line in lines)
    assert text(Entries([]), width=10).strip() == ""
