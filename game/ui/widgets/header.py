"""The header: where the player is (chapter, scene or puzzle), the judge's device, the slot."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static


class GameHeader(Horizontal):
    """One line; the badges follow the app's `device_badge` and `slot_label` reactives."""

    DEFAULT_CSS = """
    GameHeader { height: 1; dock: top; background: $panel; color: $foreground; }
    GameHeader > #header-title { width: auto; padding: 0 1; background: $primary;
                                 color: $text; text-style: bold; }
    GameHeader > #header-context { width: 1fr; padding: 0 1; text-wrap: nowrap;
                                   text-overflow: ellipsis; }
    GameHeader > #header-device { width: auto; padding: 0 1; background: $accent-darken-1;
                                  color: $text; }
    GameHeader > #header-slot { width: auto; padding: 0 1; color: $text-muted; }
    """

    def __init__(self, context: str = "") -> None:
        super().__init__()
        self._where = Static(context, id="header-context", markup=False)
        self._device = Static(id="header-device", markup=False)
        self._slot = Static(id="header-slot", markup=False)

    def compose(self) -> ComposeResult:
        yield Static("⚗ Torchenstein", id="header-title")
        yield self._where
        yield self._device
        yield self._slot

    def on_mount(self) -> None:
        self.watch(self.app, "device_badge", self._show_device)
        self.watch(self.app, "slot_label", self._show_slot)

    def _show_device(self, badge: str) -> None:
        self._device.update(badge)

    def _show_slot(self, slot: str) -> None:
        self._slot.update(slot)

    def set_context(self, context: str) -> None:
        self._where.update(context)
