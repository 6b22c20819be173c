"""The game's name in large block letters, drawn by hand (no figlet dependency)."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

_FONT = {
    "T": ["█████", "  █  ", "  █  ", "  █  ", "  █  "],
    "O": [" ███ ", "█   █", "█   █", "█   █", " ███ "],
    "R": ["████ ", "█   █", "████ ", "█  █ ", "█   █"],
    "C": [" ████", "█    ", "█    ", "█    ", " ████"],
    "H": ["█   █", "█   █", "█████", "█   █", "█   █"],
    "E": ["█████", "█    ", "████ ", "█    ", "█████"],
    "N": ["█   █", "██  █", "█ █ █", "█  ██", "█   █"],
    "S": [" ████", "█    ", " ███ ", "    █", "████ "],
    "I": ["███", " █ ", " █ ", " █ ", "███"],
}
# A spark running from the Bunsen-burner orange to lab-glass green.
_GRADIENT = ("#ff8c1a", "#ffb020", "#ffd23f", "#c8e64a", "#7be07b", "#3fd9a7")


def block_letters(word: str) -> Text:
    """`word` (letters of `_FONT` only) as five lines of block characters, coloured by column."""
    rows = [" ".join(_FONT[ch][r] for ch in word.upper()) for r in range(5)]
    width = len(rows[0])
    text = Text(justify="center", no_wrap=True)
    for r, row in enumerate(rows):
        for col, ch in enumerate(row):
            colour = _GRADIENT[min(len(_GRADIENT) - 1, col * len(_GRADIENT) // width)]
            text.append(ch, style=f"bold {colour}" if ch != " " else "")
        if r < 4:
            text.append("\n")
    return text


class Banner(Static):
    """TORCHENSTEIN in large type."""

    def __init__(self, word: str = "Torchenstein", **kwargs: object) -> None:
        super().__init__(block_letters(word), **kwargs)  # type: ignore[arg-type]
