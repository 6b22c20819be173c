"""The code editor of the puzzle screen: Textual's TextArea with Python-aware keys.

Enter keeps the line's indentation and adds a level after a `:`; Tab indents (every selected
line when the selection spans several); Shift+Tab is left to the screen, which uses it to leave
the editor.
"""

from __future__ import annotations

from textual import events
from textual.widgets import TextArea
from textual.widgets.text_area import Selection

INDENT = "    "


def indent_after(line_before_cursor: str) -> str:
    """The indentation of a new line typed after `line_before_cursor`: the same as that line,
    one level more after a `:` that opens a block (comments ignored)."""
    stripped = line_before_cursor.lstrip(" \t")
    indent = line_before_cursor[:len(line_before_cursor) - len(stripped)]
    code = stripped.split("#", 1)[0].rstrip() if "#" in stripped else stripped.rstrip()
    if code.endswith(":"):
        indent += INDENT
    return indent


EDITING_KEYS = "F7 select all · ⇧Tab leave the editor"
AWAY_KEYS = "Tab: back to the editor"


class CodeEditor(TextArea):
    """A Python draft: auto-indent on Enter, Tab indents. Its lower border names the keys that
    select everything and leave it, or, when it does not have the focus, how to come back
    (`show_keys`, called by the screen when the focus moves)."""

    hold_enter = False
    """Set when the editor opens: Enter presses carried over from the screen before (a scene's
    last page, Continue on the title; a held-down Enter repeats) are ignored until another key
    is pressed or the editor is clicked."""

    def show_keys(self, focused: bool) -> None:
        self.border_subtitle = EDITING_KEYS if focused else AWAY_KEYS

    def on_mouse_down(self) -> None:
        self.hold_enter = False

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter" and self.hold_enter:
            event.stop()
            event.prevent_default()
            return
        self.hold_enter = False
        if not self.read_only and event.key == "enter":
            event.stop()
            event.prevent_default()
            row, col = self.cursor_location
            before = self.document.get_line(row)[:col]
            start, end = self.selection
            self._replace_via_keyboard("\n" + indent_after(before), start, end)
            return
        if not self.read_only and event.key == "tab" and self._selected_rows() is not None:
            # A selection over several lines is indented, not replaced by spaces.
            event.stop()
            event.prevent_default()
            self.indent_selection()
            return
        await super()._on_key(event)

    def _selected_rows(self) -> tuple[int, int] | None:
        """The first and last rows of a selection spanning several lines, else None."""
        start, end = sorted(self.selection)
        if start[0] == end[0]:
            return None
        last = end[0] - 1 if end[1] == 0 else end[0]
        return start[0], last

    def indent_selection(self) -> None:
        """Indent every line of the selection by one level, keeping it selected."""
        rows = self._selected_rows()
        if rows is None:
            return
        first, last = rows
        lines = [self.document.get_line(r) for r in range(first, last + 1)]
        text = "\n".join(INDENT + line if line.strip() else line for line in lines)
        self.replace(text, (first, 0), (last, len(lines[-1])))
        self.selection = Selection((first, 0), (last, len(self.document.get_line(last))))
