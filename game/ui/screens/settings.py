"""Settings of the slot: the device checks run on (with the ones this machine has), the theme,
and reduced motion. Every change applies at once and is saved."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Label, RadioButton, RadioSet, Select, Static, Switch

from game.ui.app import resolve_device
from game.ui.screens.base import GameScreen
from game.ui.widgets.header import GameHeader

DEVICES = {"auto": "auto — CUDA, then MPS, then CPU", "cpu": "cpu", "cuda": "cuda (NVIDIA GPU)",
           "mps": "mps (Apple GPU)"}


class SettingsScreen(GameScreen):
    """Esc closes the settings."""

    BINDINGS = [Binding("escape", "close", "Close")]

    def compose(self) -> ComposeResult:
        settings = self.session.settings
        devices = self.game.judge.devices
        known = bool(devices)
        yield GameHeader("Settings")
        with Vertical(id="settings-body"):
            yield Label("Device for checks", classes="setting-label")
            with RadioSet(id="device"):
                for name, label in DEVICES.items():
                    present = name == "auto" or devices.get(name, False)
                    if known and not present:
                        label += "  (not found on this machine)"
                    elif not known and name != "auto":
                        label += "  (the judge is still starting)" if name != "cpu" else ""
                    yield RadioButton(label, value=settings.device == name, id=f"device-{name}",
                                      disabled=known and not present)
            yield Static(id="device-note", classes="setting-note")
            yield Label("Theme", classes="setting-label")
            yield Select([(name, name) for name in sorted(self.app.available_themes)],
                         value=self.app.theme, allow_blank=False, id="theme")
            with Horizontal(classes="setting-row"):
                yield Switch(value=settings.reduced_motion, id="reduced-motion")
                yield Label("Reduced motion (no typewriter, no spinner, no cursor blink)",
                            classes="setting-switch-label")
        yield Footer()

    def on_mount(self) -> None:
        self._describe_device()
        self.query_one("#device", RadioSet).focus()

    def _describe_device(self) -> None:
        setting = self.session.settings.device
        devices = self.game.judge.devices
        note = self.query_one("#device-note", Static)
        if not devices:
            note.update("The judge has not reported this machine's devices yet.")
            return
        found = ", ".join(d for d, ok in devices.items() if ok)
        note.update(f"This machine has: {found}. Checks run on "
                    f"{resolve_device(setting, devices)}.")

    @on(RadioSet.Changed, "#device")
    def _device(self, event: RadioSet.Changed) -> None:
        name = (event.pressed.id or "device-auto").removeprefix("device-")
        self.session.settings.device = name  # type: ignore[assignment]
        self._changed()
        self._describe_device()

    @on(Select.Changed, "#theme")
    def _theme(self, event: Select.Changed) -> None:
        if isinstance(event.value, str) and event.value != self.app.theme:
            self.app.theme = event.value

    @on(Switch.Changed, "#reduced-motion")
    def _motion(self, event: Switch.Changed) -> None:
        self.session.settings.reduced_motion = event.value
        self._changed()

    def _changed(self) -> None:
        self.game.apply_settings()
        self.game.autosave()

    def action_close(self) -> None:
        self.app.pop_screen()
