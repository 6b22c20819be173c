"""Load a game: every save slot with its apprentice, chapter and progress; rename and delete
(each after a confirmation)."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Footer, Static

from game.core.saves import SaveError, SlotSummary
from game.ui.screens.base import GameScreen
from game.ui.screens.dialogs import ConfirmDialog, TextPrompt
from game.ui.widgets.header import GameHeader


def when(summary: SlotSummary) -> str:
    if summary.last_played is None:
        return "—"
    return summary.last_played.astimezone().strftime("%Y-%m-%d %H:%M")


class LoadScreen(GameScreen):
    """Enter loads the highlighted slot; r renames it, d deletes it; Esc goes back."""

    BINDINGS = [Binding("enter", "load", "Load"),
                Binding("r", "rename", "Rename"), Binding("d", "delete", "Delete"),
                Binding("escape", "close", "Back")]

    def compose(self) -> ComposeResult:
        yield GameHeader("Load a game")
        yield Static("Save slots, most recently played first", id="load-title")
        yield DataTable(id="slots", cursor_type="row", zebra_stripes=True)
        yield Static(id="load-empty")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#slots", DataTable)
        table.add_columns("slot", "apprentice", "chapter", "done", "last played", "note")
        self.refresh_slots()
        table.focus()

    def refresh_slots(self) -> None:
        table = self.query_one("#slots", DataTable)
        table.clear()
        self.summaries = {s.name: s for s in self.session.summaries()}
        for s in self.summaries.values():
            chapter = self.game.catalog.chapter(s.chapter) if s.chapter else None
            current = s.name == self.session.slot_name
            note = Text(s.problem or ("playing now" if current else ""),
                        style="yellow" if s.problem else "green")
            table.add_row(Text(s.name, style="bold"), s.apprentice or "—",
                          chapter.title if chapter else (s.chapter or "—"),
                          f"{s.percent}%" if s.percent is not None else "—", when(s), note,
                          key=s.name)
        self.query_one("#load-empty", Static).update(
            "" if self.summaries else "No save slots yet: start a new game from the title.")

    def selected(self) -> str | None:
        table = self.query_one("#slots", DataTable)
        if not self.summaries or table.cursor_row < 0:
            return None
        row_key, _ = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0))
        return row_key.value

    def action_load(self) -> None:
        name = self.selected()
        if name is None:
            return
        if name == self.session.slot_name:
            self.game.continue_game()
        else:
            self.game.open_slot(name)

    @on(DataTable.RowSelected)
    def _chosen(self) -> None:
        self.action_load()

    def action_rename(self) -> None:
        name = self.selected()
        if name is None:
            return
        if name == self.session.slot_name:
            self.notify("This slot is open in the game; rename it from the title screen of "
                        "another session, or load another slot first.", severity="warning")
            return

        def renamed(new: str | None) -> None:
            if not new or new == name:
                return
            try:
                self.session.rename_slot(name, new)
            except SaveError as exc:
                self.notify(str(exc), title="Cannot rename", severity="error")
                return
            self.notify(f"Slot '{name}' is now '{new}'.")
            self.refresh_slots()

        self.app.push_screen(TextPrompt(f"New name for slot '{name}' (letters, digits, - and _)",
                                        value=name), renamed)

    def action_delete(self) -> None:
        name = self.selected()
        if name is None:
            return
        if name == self.session.slot_name:
            self.notify("This slot is open in the game; load another slot before deleting it.",
                        severity="warning")
            return

        def confirmed(yes: bool | None) -> None:
            if not yes:
                return
            try:
                self.session.delete_slot(name)
            except SaveError as exc:
                self.notify(str(exc), title="Cannot delete", severity="error")
                return
            self.notify(f"Slot '{name}' deleted.")
            self.refresh_slots()

        self.app.push_screen(ConfirmDialog(
            f"Delete slot '{name}' and all its drafts? This cannot be undone.",
            yes="Delete", no="Keep it"), confirmed)

    def action_close(self) -> None:
        self.app.pop_screen()
