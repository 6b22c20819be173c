"""After a pass: the Professor's solution beside the player's, his remark, and the metrics."""

from __future__ import annotations

from rich.markdown import Markdown
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Footer, Static, TextArea
from textual.widgets.text_area import LanguageDoesNotExist

from game.core.content import Puzzle
from game.core.metrics import count_lines, entry_chars
from game.core.result import Result
from game.ui.screens.base import GameScreen
from game.ui.widgets.figures import figure_gallery
from game.ui.widgets.header import GameHeader


def read_only_code(text: str, title: str, widget_id: str) -> TextArea:
    try:
        area = TextArea.code_editor(text, language="python", read_only=True, soft_wrap=True,
                                    highlight_cursor_line=False, id=widget_id)
    except LanguageDoesNotExist:
        area = TextArea.code_editor(text, read_only=True, soft_wrap=True,
                                    highlight_cursor_line=False, id=widget_id)
    area.border_title = title
    return area


def reference_metrics(puzzle: Puzzle) -> tuple[int, int]:
    """Lines and characters of the Professor's solution, counted as the judge counts the
    player's: the lines written (no imports, no `def` line) and the characters of the entry's
    `return` expression when it is one line."""
    source = puzzle.solution
    entry = puzzle.spec.entry
    return count_lines(source, entry), entry_chars(source, entry) or len(source.strip())


class SolvedScreen(GameScreen):
    """Enter continues the story; Esc goes back to the puzzle."""

    BINDINGS = [Binding("enter", "continue", "Continue", priority=True),
                Binding("escape", "back", "Back to the puzzle"),
                Binding("n", "notebook", "Notebook", show=False)]

    def __init__(self, puzzle: Puzzle, source: str, result: Result) -> None:
        super().__init__()
        self.puzzle = puzzle
        self.source = source
        self.result = result

    def compose(self) -> ComposeResult:
        chapter = self.game.catalog.chapter(self.puzzle.chapter)
        yield GameHeader(f"{chapter.title if chapter else self.puzzle.chapter} · "
                         f"{self.puzzle.title} · solved")
        with VerticalScroll(id="solved-body"):
            yield Static(Text.assemble(("✔ Solved: ", "bold green"), (self.puzzle.title, "bold"),
                                       (f"   {self.result.message}", "dim")),
                         id="solved-title")
            with Horizontal(id="solutions"):
                yield read_only_code(self.source, "your solution", "mine")
                yield read_only_code(self.puzzle.solution, "Prof. Torchenstein's solution",
                                     "theirs")
            yield from figure_gallery(self.result.figures, id="solved-figures")
            with Vertical(id="remark") as remark:
                remark.border_title = "Prof. Torchenstein remarks"
                yield Static(Markdown(self.puzzle.spec.remark.strip()))
            yield Static(self.metrics_table(), id="solved-metrics")
            yield Static(Text("Enter: continue the story  ·  Esc: back to the puzzle  ·  "
                              "F3: lab notebook", style="dim"), id="solved-help")
        yield Footer()

    def metrics_table(self) -> Table:
        m = self.result.metrics
        ref_lines, ref_chars = reference_metrics(self.puzzle)
        best = self.session.best(self.puzzle.id)
        table = Table(title="How it measures up", title_justify="left", box=None,
                      padding=(0, 2), header_style="bold")
        table.add_column("")
        table.add_column("yours", justify="right")
        table.add_column("your best", justify="right")
        table.add_column("the Professor's", justify="right")

        def shown(value: object, suffix: str = "") -> str:
            return "—" if value is None else f"{value:g}{suffix}" if isinstance(
                value, float) else f"{value}{suffix}"

        table.add_row("lines written", shown(m.lines), shown(best.lines), shown(ref_lines))
        table.add_row("characters", shown(m.chars), shown(best.chars), shown(ref_chars))
        if m.time_ratio is not None or best.time_ratio is not None:
            # Only when the reference runs long enough to time (the judge says so).
            table.add_row("time vs reference", shown(m.time_ratio, "×"),
                          shown(best.time_ratio, "×"), "1×")
        attempts = self.session.attempts(self.puzzle.id)
        hints = self.session.hints_used(self.puzzle.id)
        table.caption = f"{attempts} submission{'s' if attempts != 1 else ''} · " \
                        f"{hints} hint{'s' if hints != 1 else ''} used"
        table.caption_justify = "left"
        return table

    def action_continue(self) -> None:
        self.game.advance(self.puzzle.chapter, after=self.puzzle.id)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_notebook(self) -> None:
        self.game.show_notebook()
