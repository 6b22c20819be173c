"""Modal questions: yes/no, a name, and what to do with a damaged save."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from game.core.saves import CorruptSave


class ConfirmDialog(ModalScreen[bool]):
    """A question with Yes / No (Enter confirms the focused button; Esc says no)."""

    BINDINGS = [Binding("escape", "dismiss(False)", "Cancel"),
                Binding("y", "dismiss(True)", "Yes", show=False),
                Binding("n", "dismiss(False)", "No", show=False)]

    def __init__(self, question: str, yes: str = "Yes", no: str = "No") -> None:
        super().__init__(classes="dialog-screen")
        self.question, self.yes, self.no = question, yes, no

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.question, classes="dialog-text", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.yes, variant="warning", id="yes")
                yield Button(self.no, id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    @on(Button.Pressed)
    def _answer(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")


class TextPrompt(ModalScreen[str | None]):
    """Ask for one line of text (a name); Enter accepts, Esc cancels."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, question: str, value: str = "", placeholder: str = "",
                 max_length: int = 40) -> None:
        super().__init__(classes="dialog-screen")
        self.question, self.value = question, value
        self.placeholder, self.max_length = placeholder, max_length

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.question, classes="dialog-text")
            yield Input(self.value, placeholder=self.placeholder, max_length=self.max_length,
                        id="prompt-input")
            yield Static("Enter to accept · Esc to cancel", classes="dialog-help")

    @on(Input.Submitted)
    def _accept(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        if value:
            self.dismiss(value)
        else:
            self.notify("Type something first (or Esc to cancel).", severity="warning")


class CorruptSaveDialog(ModalScreen[str | None]):
    """The save of a slot cannot be read: restore its backup, start it afresh, or go back.
    Returns "restore", "fresh" or None."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Back")]

    def __init__(self, error: CorruptSave) -> None:
        super().__init__(classes="dialog-screen")
        self.error = error

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog dialog-danger"):
            yield Label(f"Slot '{self.error.slot}' is damaged", classes="dialog-title")
            yield Static(str(self.error), classes="dialog-text", markup=False)
            with Horizontal(classes="dialog-buttons"):
                if self.error.backup is not None:
                    yield Button("Restore the backup", variant="success", id="restore")
                yield Button("Start this slot afresh", variant="error", id="fresh")
                yield Button("Back", id="back")

    def on_mount(self) -> None:
        first = "#restore" if self.error.backup is not None else "#back"
        self.query_one(first, Button).focus()

    @on(Button.Pressed)
    def _choose(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id if event.button.id in ("restore", "fresh") else None)
