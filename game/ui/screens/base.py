"""What every screen of the game shares: typed access to the app and its session."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.screen import Screen

if TYPE_CHECKING:
    from game.ui.app import TorchensteinApp
    from game.ui.session import Session


class GameScreen(Screen[None]):
    """A screen of the game (title, map, scene, puzzle, notebook, settings, load)."""

    @property
    def game(self) -> TorchensteinApp:
        return cast("TorchensteinApp", self.app)

    @property
    def session(self) -> Session:
        return self.game.session
