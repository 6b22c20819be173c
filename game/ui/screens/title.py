"""The title: the game's name in large type, then New game, Continue, Load, Settings, Quit."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from game.core.flow import where_label
from game.core.progress import Progress
from game.core.saves import SlotSummary
from game.ui.screens.base import GameScreen
from game.ui.screens.dialogs import TextPrompt
from game.ui.widgets.banner import Banner
from game.ui.widgets.header import GameHeader


def describe_slot(summary: SlotSummary, where: str | None) -> str:
    """`ada · Act I: The Reading Room · 40% done` (or the slot's problem); `where` is the
    place Continue resumes (see `game.core.flow.where_label`)."""
    if summary.problem:
        return f"{summary.name} · {summary.problem}"
    parts = [summary.name]
    if summary.apprentice and summary.apprentice.lower() != summary.name.lower():
        parts[0] += f" ({summary.apprentice})"
    parts.append(where or "the beginning")
    parts.append(f"{summary.percent or 0}% done")
    return " · ".join(parts)


class TitleScreen(GameScreen):
    """The first screen; the judge warms up behind it."""

    BINDINGS = [("n", "new_game", "New game"), ("c", "continue_game", "Continue"),
                ("l", "load", "Load"), ("comma", "settings", "Settings"),
                Binding("q", "quit", "Quit", show=False)]

    def compose(self) -> ComposeResult:
        yield GameHeader("Title")
        with Vertical(id="title-body"):
            yield Banner(id="banner")
            yield Static("A narrative terminal adventure that teaches PyTorch",
                         id="tagline")
            yield Static("An incoming transmission from Prof. Victor Py Torchenstein's lab",
                         id="transmission")
            with Center():
                yield OptionList(id="title-menu")
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_menu()

    def on_screen_resume(self) -> None:
        self.refresh_menu()

    def continue_target(self) -> SlotSummary | None:
        """The slot Continue opens: the one asked for on the command line, else the last played."""
        summaries = {s.name: s for s in self.session.summaries()}
        wanted = self.game.requested_slot
        if wanted and wanted in summaries and summaries[wanted].last_played is not None:
            return summaries[wanted]
        if self.session.slot_name in summaries:
            return summaries[self.session.slot_name]
        last = self.session.last_played()
        return summaries.get(last) if last else None

    def refresh_menu(self) -> None:
        menu = self.query_one("#title-menu", OptionList)
        target = self.continue_target()
        if target is not None:
            state = self.session.peek(target.name)
            where = where_label(self.game.catalog, state.location, Progress.of(
                state.solved_ids(), state.scenes_seen)) if state else None
            label = f"Continue   {describe_slot(target, where)}"
        else:
            label = "Continue   (no saved game yet)"
        highlighted = menu.highlighted
        menu.clear_options()
        menu.add_options([
            Option("New game", id="new"),
            Option(label, id="continue", disabled=target is None),
            Option("Load game", id="load"),
            Option("Settings", id="settings"),
            Option("Quit", id="quit"),
        ])
        menu.highlighted = highlighted if highlighted is not None else (
            1 if target is not None else 0)
        menu.focus()

    @on(OptionList.OptionSelected, "#title-menu")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        action = {"new": self.action_new_game, "continue": self.action_continue_game,
                  "load": self.action_load, "settings": self.action_settings,
                  "quit": self.game.action_quit}[event.option_id or "quit"]
        self.call_later(action)

    def action_new_game(self) -> None:
        def started(name: str | None) -> None:
            if name:
                self.game.new_game(name)

        self.app.push_screen(TextPrompt("What is your name, apprentice?",
                                        placeholder="e.g. Ada", max_length=40), started)

    def action_continue_game(self) -> None:
        target = self.continue_target()
        if target is None:
            self.notify("There is no saved game yet: start a new one.", severity="warning")
            return
        if self.session.slot_name == target.name:
            self.game.continue_game()
        else:
            self.game.open_slot(target.name)

    def action_load(self) -> None:
        self.game.show_load()

    def action_settings(self) -> None:
        self.game.show_settings()

    async def action_quit(self) -> None:
        await self.game.action_quit()
