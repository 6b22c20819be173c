"""Figures as text, for a terminal without the game's interface (`verify`) and for heatmaps in it.

Series become one sparkline per line on a shared scale (first and last value beside it), marks a
single level; heatmaps a grid of shaded cells with a scale; scatter plots a small plotext chart.
No torch here: the interface process draws these too.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.color import Color, ColorTriplet, blend_rgb
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.style import Style
from rich.table import Table
from rich.text import Text

from game.core.figures import Figure, Heatmap, Scatter, Series

# One colour per line or group, in order, as xterm-256 numbers (plotext and Rich both take them).
PALETTE: tuple[int, ...] = (39, 208, 41, 170, 44, 196)
BLOCKS = "▁▂▃▄▅▆▇█"
SHADES = "·░▒▓█"
COLD, HOT = Color.from_rgb(30, 40, 90), Color.from_rgb(250, 210, 60)


def colour(i: int) -> int:
    """The `i`-th line's or group's xterm-256 colour."""
    return PALETTE[i % len(PALETTE)]


def rich_colour(i: int) -> str:
    return f"color({colour(i)})"


class Entries:
    """Short texts laid out left to right, wrapping between entries, never inside one."""

    def __init__(self, entries: Sequence[Text], gap: int = 3) -> None:
        self.entries, self.gap = list(entries), gap

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        line = Text()
        for entry in self.entries:
            if line.cell_len and line.cell_len + self.gap + entry.cell_len > options.max_width:
                yield line
                line = Text()
            if line.cell_len:
                line.append(" " * self.gap)
            line.append_text(entry)
        yield line


def legend(figure: Series | Scatter) -> Entries:
    """One entry per line, mark or group, in its colour; a mark shows its measured value."""
    entries: list[Text] = []
    if isinstance(figure, Series):
        for i, label in enumerate(figure.lines):
            entries.append(Text.assemble(("━━ ", rich_colour(i)), label))
        for j, (label, value) in enumerate(figure.marks.items()):
            entries.append(Text.assemble(("╌╌ ", rich_colour(len(figure.lines) + j)),
                                         f"{label} {number(value)}"))
    else:
        for i, (label, points) in enumerate(figure.groups.items()):
            if points:
                entries.append(Text.assemble(("⣿ ", rich_colour(i)), label))
    return Entries(entries)


def number(value: float) -> str:
    """Short and exact enough to read: 0.973, 12.4, 1.2e-05."""
    return f"{value:.3g}"


def resample(values: Sequence[float], width: int) -> list[float]:
    """At most `width` values: the mean of each of `width` equal runs (all of them if fewer)."""
    n = len(values)
    if n <= width:
        return list(values)
    out = []
    for i in range(width):
        run = values[i * n // width:max((i + 1) * n // width, i * n // width + 1)]
        out.append(sum(run) / len(run))
    return out


def sparkline(values: Sequence[float], lo: float, hi: float, width: int = 32) -> str:
    """Block characters from ▁ (at `lo`) to █ (at `hi`)."""
    span = hi - lo
    top = len(BLOCKS) - 1
    return "".join(BLOCKS[0 if span <= 0 else min(top, max(0, round((v - lo) / span * top)))]
                   for v in resample(values, width))


def series_text(figure: Series, width: int = 32) -> RenderableType:
    every = [v for ys in figure.lines.values() for v in ys] + list(figure.marks.values())
    lo, hi = (min(every), max(every)) if every else (0.0, 0.0)
    head = Text(figure.title, style="bold")
    if figure.x:
        head.append(f"   {figure.x_label} {number(figure.x[0])}–{number(figure.x[-1])}",
                    style="dim")
    head.append(f"   {figure.y_label + ' ' if figure.y_label else ''}"
                f"{number(lo)}–{number(hi)}", style="dim")
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(no_wrap=True)
    grid.add_column(no_wrap=True, style="dim")
    for i, (label, ys) in enumerate(figure.lines.items()):
        hue = rich_colour(i)
        ends = f"{number(ys[0])} → {number(ys[-1])}" if ys else "no values"
        grid.add_row(Text(label, style=hue), Text(sparkline(ys, lo, hi, width), style=hue), ends)
    for j, (label, value) in enumerate(figure.marks.items()):
        hue = rich_colour(len(figure.lines) + j)
        grid.add_row(Text(label, style=hue), Text("━" * min(width, 8), style=hue),
                     f"{number(value)} (measured once)")
    return Group(head, grid)


def heatmap_text(figure: Heatmap) -> RenderableType:
    """Shaded cells (colour and a shade character, readable without colour) and their scale."""
    flat = [v for row in figure.values for v in row]
    lo, hi = min(flat), max(flat)
    wide = len(figure.values[0]) <= 24
    grid = Table.grid(padding=(0, 1 if figure.col_labels and wide else 0))
    if figure.row_labels:
        grid.add_column(no_wrap=True, justify="right", style="dim")
    for _ in figure.values[0]:
        grid.add_column(no_wrap=True)

    def cell(value: float) -> Text:
        t = 0.0 if hi <= lo else (value - lo) / (hi - lo)
        shade = SHADES[min(len(SHADES) - 1, int(t * len(SHADES)))]
        return Text((shade * 2) if wide else shade,
                    style=Style(color=Color.from_triplet(_blend(t))))

    if figure.col_labels:
        labels = [Text(label[:2] if wide else label[:1], style="dim")
                  for label in figure.col_labels]
        grid.add_row(*([Text("")] if figure.row_labels else []), *labels)
    for r, row in enumerate(figure.values):
        lead = [Text(figure.row_labels[r])] if figure.row_labels else []
        grid.add_row(*lead, *(cell(v) for v in row))
    scale = Text.assemble(("scale ", "dim"), number(lo), " ",
                          *((s * 2, Style(color=Color.from_triplet(_blend(i / 4))))
                            for i, s in enumerate(SHADES)), " ", number(hi))
    return Group(Text(figure.title, style="bold"), grid, scale)


def _blend(t: float) -> ColorTriplet:
    return blend_rgb(COLD.get_truecolor(), HOT.get_truecolor(), max(0.0, min(1.0, t)))


def scatter_text(figure: Scatter, width: int = 60, height: int = 16) -> RenderableType:
    """A small plotext scatter plot (braille dots), one colour per group."""
    import plotext as plt

    plt.clear_figure()
    plt.plotsize(width, height)
    plt.theme("clear")
    for i, (label, points) in enumerate(figure.groups.items()):
        if points:
            xs, ys = zip(*points, strict=True)
            plt.scatter(list(xs), list(ys), label=label, color=colour(i), marker="braille")
    plt.title(figure.title)
    chart = plt.build()
    plt.clear_figure()
    return Text.from_ansi(chart, no_wrap=True)


def figure_text(figure: Figure) -> RenderableType:
    if isinstance(figure, Series):
        return series_text(figure)
    if isinstance(figure, Heatmap):
        return heatmap_text(figure)
    return scatter_text(figure)


def render_figures(figures: Sequence[Figure]) -> RenderableType:
    """Every figure of a verdict, one after the other, separated by a blank line."""
    parts: list[RenderableType] = []
    for figure in figures:
        if parts:
            parts.append(Text(""))
        parts.append(figure_text(figure))
    return Group(*parts)
