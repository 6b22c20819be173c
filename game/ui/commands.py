"""The command palette (Ctrl+P): jump to any unlocked scene or puzzle, ask for a hint, reset the
draft, open the map, the notebook or the settings. Themes come from Textual's own commands."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

from game.core.progress import item_open

if TYPE_CHECKING:
    from game.ui.app import TorchensteinApp


class GameCommands(Provider):
    """Places and actions of the game for the command palette."""

    def _commands(self) -> list[tuple[str, Callable[[], object], str]]:
        app = cast("TorchensteinApp", self.app)
        commands: list[tuple[str, Callable[[], object], str]] = []
        screen = self.screen
        for action, label, help_text in (("hint", "Hint: the next tier", "F1 on the puzzle"),
                                         ("reset", "Reset the draft to the starter code", "F2"),
                                         ("quick_check", "Quick check (examples only)", "F5"),
                                         ("submit", "Submit for the full verdict", "F6")):
            method = getattr(screen, f"action_{action}", None)
            if method is not None:
                commands.append((label, method, help_text))
        if not app.session.started:
            return commands
        commands += [("Chapter map", app.show_map, "F4 · every chapter and its progress"),
                     ("Lab notebook", app.show_notebook, "F3 · concepts of the solved puzzles"),
                     ("Settings", app.show_settings, "device, theme, reduced motion")]
        progress = app.session.progress()
        for chapter in app.catalog.chapters:
            for index, item in enumerate(chapter.items):
                if not item_open(app.catalog, chapter, index, progress):
                    continue
                if item.kind == "scene":
                    title = f"Scene: {app.catalog.scenes[item.id].title}"
                else:
                    title = f"Puzzle: {app.catalog.puzzle(item.id).title} ({item.id})"
                commands.append((title, partial(app.play, chapter.id, item), chapter.title))
        return commands

    async def discover(self) -> Hits:
        for text, command, help_text in self._commands():
            yield DiscoveryHit(text, command, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, command, help_text in self._commands():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), command, text=text, help=help_text)
