"""The lab notebook: the concepts of the solved puzzles, with explanations and API names."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Markdown

from game.ui.screens.base import GameScreen
from game.ui.widgets.header import GameHeader


def notebook_markdown(screen: GameScreen) -> str:
    """One section per solved puzzle (in story order), one entry per concept."""
    parts = ["# Lab notebook", ""]
    solved = [p for p in screen.game.catalog.ordered_puzzles() if screen.session.solved(p.id)]
    if not solved:
        parts.append("*The pages are blank. Solve a puzzle and the Professor will dictate "
                     "what it taught you.*")
    for puzzle in solved:
        parts += [f"## {puzzle.title}", f"*{puzzle.id}*", ""]
        for concept in puzzle.spec.concepts:
            parts += [f"### {concept.name}", "", concept.text, ""]
            if concept.api:
                parts += ["API: " + ", ".join(f"`{name}`" for name in concept.api), ""]
    return "\n".join(parts)


class NotebookScreen(GameScreen):
    """Esc closes the notebook."""

    BINDINGS = [Binding("escape", "close", "Close"), Binding("n", "close", show=False),
                Binding("f3", "close", show=False, priority=True)]
    notebook_screen = True

    def compose(self) -> ComposeResult:
        yield GameHeader("Lab notebook")
        with VerticalScroll(id="notebook-body"):
            yield Markdown(notebook_markdown(self), id="notebook")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#notebook-body").focus()
        self.session.open_notebook()
        self.game.autosave()

    def action_close(self) -> None:
        self.session.close_notebook()
        self.game.autosave()
        self.app.pop_screen()
