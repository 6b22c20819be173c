"""Figures of a verdict in the interface: series and scatter plots drawn by plotext (through
textual-plotext), heatmaps as Rich shaded cells. Two to a row where the screen is wide enough."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult, RenderResult
from textual.containers import Horizontal, Vertical
from textual.events import Resize
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Static
from textual_plotext import PlotextPlot

from game.core.figure_text import colour, heatmap_text, legend
from game.core.figures import Figure, Heatmap, Scatter, Series

WIDE = 100  # columns from which a gallery puts two figures side by side


class Plot(PlotextPlot):
    """A series or scatter figure drawn by plotext, without its legend (plotext puts the legend
    over the lines; `PlotFigure` shows it below)."""

    DEFAULT_CSS = """
    Plot { height: 14; width: 1fr; }
    """

    def __init__(self, figure: Series | Scatter) -> None:
        super().__init__()
        self.figure = figure

    def on_mount(self) -> None:
        plt = self.plt
        figure = self.figure
        plt.title(figure.title)
        if isinstance(figure, Series):
            # Marks first: where a curve passes through a level, the curve stays visible.
            if figure.x:
                ends = [figure.x[0], figure.x[-1]]
                for j, value in enumerate(figure.marks.values()):
                    plt.plot(ends, [value, value], color=colour(len(figure.lines) + j),
                             marker="-")
            for i, ys in enumerate(figure.lines.values()):
                plt.plot(figure.x, ys, color=colour(i), marker="braille")
            plt.xlabel(figure.x_label)
            plt.ylabel(figure.y_label)
        else:
            for i, points in enumerate(figure.groups.values()):
                if points:
                    plt.scatter([p[0] for p in points], [p[1] for p in points],
                                color=colour(i), marker="braille")

    def render(self) -> RenderResult:
        # plotext fails on a plot with no room for its axes (while a layout is settling).
        if self.size.height < 6 or self.size.width < 24:
            return Text(f"{self.figure.title} (too small to draw here)", style="dim")
        return super().render()


class PlotFigure(Vertical):
    """The plot and, below it, its legend in the same colours."""

    DEFAULT_CSS = """
    PlotFigure { height: auto; width: 1fr; min-width: 30; }
    PlotFigure > .figure-legend { height: auto; padding: 0 1; }
    """

    def __init__(self, figure: Series | Scatter) -> None:
        super().__init__(classes=f"figure figure-{figure.kind}")
        self.figure = figure

    def compose(self) -> ComposeResult:
        yield Plot(self.figure)
        yield Static(legend(self.figure), classes="figure-legend")


class HeatmapFigure(Static):
    DEFAULT_CSS = """
    HeatmapFigure { height: auto; width: 1fr; }
    """

    def __init__(self, figure: Heatmap) -> None:
        super().__init__(heatmap_text(figure), classes="figure figure-heatmap")
        self.figure = figure


def figure_widget(figure: Figure) -> Widget:
    return HeatmapFigure(figure) if isinstance(figure, Heatmap) else PlotFigure(figure)


class FigureGallery(Vertical):
    """Every figure of a result, one per row, or two per row from `WIDE` columns."""

    DEFAULT_CSS = """
    FigureGallery { height: auto; margin: 1 0; }
    FigureGallery > Horizontal { height: auto; margin-bottom: 1; }
    FigureGallery > Horizontal > .figure { margin-right: 2; }
    """

    columns: reactive[int] = reactive(1, recompose=True)

    def __init__(self, figures: Sequence[Figure], *, id: str | None = None) -> None:
        super().__init__(id=id, classes="figures")
        self.figures = list(figures)

    def compose(self) -> ComposeResult:
        for start in range(0, len(self.figures), self.columns):
            with Horizontal():
                for figure in self.figures[start:start + self.columns]:
                    yield figure_widget(figure)

    def on_resize(self, event: Resize) -> None:
        self.columns = 2 if len(self.figures) > 1 and event.size.width >= WIDE else 1


def figure_gallery(figures: Sequence[Figure], *, id: str | None = None) -> list[Widget]:
    """A gallery of `figures` to mount or yield, or nothing when there are none."""
    return [FigureGallery(figures, id=id)] if figures else []
