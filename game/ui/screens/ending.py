"""The ending: after the finale's last scene, the credits and the player's record. Every
chapter stays open afterwards (Enter opens the map); a new game starts from the title."""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Static

from game.core.content import Catalog
from game.core.saves import SaveState
from game.ui.screens.base import GameScreen
from game.ui.widgets.header import GameHeader

EXAM = "gauntlet"

CREDITS = (
    ("Professor Victor Py Torchenstein",
     "is the character of the PyTorch course \"Deconstructing Modern Architectures\" by "
     "Krzysztof Sopyła — pytorchcourse.com. The character and the course's texts are the "
     "author's (CC BY-NC-ND 4.0); this game's story and puzzles are written anew."),
    ("Hammer's Qualifying Exam",
     "takes its idea from Tensor Puzzles by Sasha Rush (github.com/srush/Tensor-Puzzles)."),
    ("Built with", "PyTorch and Textual."),
)


@dataclass(frozen=True)
class Record:
    """What the apprentice did, counted from the save: the story's puzzles and the exam's."""

    apprentice: str
    solved: int
    total: int
    hints: int
    submissions: int
    exam_solved: int
    exam_total: int
    exam_chars: int | None  # characters of the shortest passing answers, when all are solved


def record_of(catalog: Catalog, state: SaveState) -> Record:
    story = [p for c in catalog.chapters if not c.spec.side_quest for p in c.puzzle_ids()]
    exam = [p for c in catalog.chapters if c.id == EXAM for p in c.puzzle_ids()]
    done = {pid for pid, p in state.puzzles.items() if p.solved}
    chars = [state.puzzles[p].best.chars for p in exam if p in done]
    complete = bool(exam) and len(chars) == len(exam) and all(c is not None for c in chars)
    return Record(
        apprentice=state.apprentice,
        solved=len(done.intersection(story)), total=len(story),
        hints=sum(p.hints_used for p in state.puzzles.values()),
        submissions=sum(p.attempts for p in state.puzzles.values()),
        exam_solved=len(done.intersection(exam)), exam_total=len(exam),
        exam_chars=sum(c for c in chars if c is not None) if complete else None)


def render_record(record: Record) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold")
    table.add_column()
    table.add_row("Apprentice", record.apprentice)
    table.add_row("Puzzles solved", f"{record.solved} of {record.total}")
    table.add_row("Hints used", str(record.hints))
    table.add_row("Submissions", str(record.submissions))
    exam = f"{record.exam_solved} of {record.exam_total} solved"
    if record.exam_chars is not None:
        exam += f", best score {record.exam_chars} characters in all (fewer is better)"
    table.add_row("Hammer's exam", exam)
    return table


def render_credits() -> Group:
    lines = []
    for who, what in CREDITS:
        lines.append(Text.assemble((who, "bold"), " ", what))
        lines.append(Text(""))
    return Group(*lines)


class EndingScreen(GameScreen):
    """Enter opens the map (every chapter can be replayed); Esc goes to the title."""

    DEFAULT_CSS = """
    EndingScreen #ending-body { padding: 1 4; }
    EndingScreen #ending-title { margin: 1 0 0 0; }
    EndingScreen #ending-line { margin: 0 0 1 0; }
    EndingScreen .ending-heading { margin: 1 0 0 0; }
    EndingScreen #ending-record, EndingScreen #ending-credits { padding: 0 2; }
    """
    BINDINGS = [Binding("enter", "map", "Revisit the chapters", priority=True),
                Binding("escape", "title", "Title screen")]

    def compose(self) -> ComposeResult:
        record = record_of(self.game.catalog, self.session.state)
        yield GameHeader("The End")
        with VerticalScroll(id="ending-body"):
            yield Static(Text("The End", style="bold yellow", justify="center"),
                         id="ending-title")
            yield Static(Text("The fire has left the mountain. Go and teach someone.",
                              style="italic", justify="center"), id="ending-line")
            yield Static(Text("Your record", style="bold underline"), classes="ending-heading")
            yield Static(render_record(record), id="ending-record")
            yield Static(Text("Credits", style="bold underline"), classes="ending-heading")
            yield Static(render_credits(), id="ending-credits")
            yield Static(Text("Every chapter stays open: Enter opens the map, where any scene "
                              "or puzzle can be played again. A new game starts from the "
                              "title screen.", style="dim"), id="ending-replay")
        yield Footer()

    def action_map(self) -> None:
        self.game.show_map("finale")

    def action_title(self) -> None:
        self.game.show_title()
