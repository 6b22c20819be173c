"""What a verdict leaves in a save: one function for the game and the command line, and the
command line's choice of slot. The slot is locked while it is written, exactly as the game
locks it; a slot open in the game is never written from outside."""

from __future__ import annotations

from dataclasses import dataclass

from game.core.result import Result
from game.core.saves import BestMetrics, SaveError, SaveState, SaveStore, SlotLocked


def record_verdict(state: SaveState, result: Result) -> None:
    """Count a full submission; a pass marks the puzzle solved and keeps the best metrics."""
    m = result.metrics
    best = BestMetrics(chars=m.chars, lines=m.lines, time_ratio=m.time_ratio)
    state.record_verdict(result.puzzle, result.passed, best if result.passed else None)


@dataclass(frozen=True)
class ChosenSlot:
    """The slot a command reads and writes, and why it is that one (said to the player)."""

    name: str | None
    why: str

    def describe(self) -> str:
        return f"slot '{self.name}' ({self.why})" if self.name else self.why


def choose_slot(store: SaveStore, requested: str | None) -> ChosenSlot:
    """`--slot NAME` when given, else the most recently played slot (also when the game has it
    open right now: that is the player's current game)."""
    if requested:
        return ChosenSlot(requested, "--slot")
    slots = store.list_slots()
    if not slots:
        return ChosenSlot(None, "no save slot yet: start the game or pass --slot NAME")
    return ChosenSlot(slots[0].name, "the last played")


def record_on_slot(store: SaveStore, name: str, result: Result, *, create: bool) -> str:
    """Record a full verdict on slot `name`, locked while it is written; returns what happened,
    in a sentence. A slot open in the game is left alone (the game would overwrite it)."""
    try:
        slot = store.open_slot(name, create=create)
    except SlotLocked:
        return (f"not recorded: slot '{name}' is open in the game right now; submit with F6 "
                "there to record it")
    except SaveError as exc:
        return f"not recorded: {exc}"
    try:
        state = slot.load()
        record_verdict(state, result)
        slot.save(state)
    except SaveError as exc:
        return f"not recorded: {exc}"
    finally:
        slot.close()
    if result.passed:
        return f"recorded on slot '{name}': {result.puzzle} solved"
    return f"recorded on slot '{name}': one more attempt at {result.puzzle}"
