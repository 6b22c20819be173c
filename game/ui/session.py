"""The player's game behind one interface: the open save slot, its progress and the drafts.

Screens never touch `game.core.saves` directly: they ask the session, which autosaves and turns
disk trouble into a sentence the app can show.
"""

from __future__ import annotations

import re
from pathlib import Path

from game.core.content import Catalog
from game.core.progress import Progress, percent_complete
from game.core.records import record_verdict
from game.core.result import Result
from game.core.saves import (
    BestMetrics,
    CorruptSave,
    Location,
    SaveError,
    SaveState,
    SaveStore,
    Screen,
    Settings,
    Slot,
    SlotSummary,
    last_played_slot,
    parse_save,
    validate_slot_name,
)


def slot_name_for(apprentice: str, taken: set[str]) -> str:
    """A valid, unused slot name from the apprentice's name (`Ada Lovelace` -> `ada-lovelace`)."""
    base = re.sub(r"[^a-z0-9_-]+", "-", apprentice.lower()).strip("-")[:32] or "apprentice"
    try:
        validate_slot_name(base)
    except SaveError:
        base = f"slot-{base}"[:32]
    name, n = base, 1
    while name.lower() in {t.lower() for t in taken}:
        n += 1
        name = f"{base}-{n}"
    return name


class Session:
    """Progress of the apprentice on one slot; in memory until a slot is open."""

    def __init__(self, store: SaveStore, catalog: Catalog) -> None:
        self.store = store
        self.catalog = catalog
        self.slot: Slot | None = None
        self.state = SaveState.new()
        self._notebook_return: Location | None = None

    # -- slots --------------------------------------------------------------------------------
    @property
    def slot_name(self) -> str | None:
        return self.slot.name if self.slot else None

    @property
    def started(self) -> bool:
        """Whether a slot is open and loaded."""
        return self.slot is not None

    def open(self, name: str) -> SaveState:
        """Open, lock and load a slot (created when new).

        Raises `SaveError`s for the player: `SlotLocked`, `NewerSaveVersion` (the slot is closed
        again) or `CorruptSave` (the slot stays open so `restore_backup`/`start_fresh` can run).
        """
        settings = self.state.settings
        self.close()
        slot = self.store.open_slot(name)
        try:
            state = slot.load()
        except CorruptSave:
            self.slot = slot  # kept open: the player chooses to restore the backup or start over
            raise
        except SaveError:
            slot.close()
            raise
        self.slot = slot
        if not slot.state_path.exists():
            state.settings = settings
        self.state = state
        return state

    def new_game(self, apprentice: str, slot: str | None = None) -> str:
        """Start a new game for `apprentice` on `slot` (a fresh slot named after them by default);
        returns the slot's name. Raises `SaveError`."""
        settings = self.state.settings
        name = slot or slot_name_for(apprentice, set(self.store.slot_names()))
        self.close()
        self.slot = self.store.open_slot(name)
        self.state = SaveState.new(apprentice)
        self.state.settings = settings
        self._write()
        return name

    def restore_backup(self) -> None:
        """After `CorruptSave`: put the backup back (the damaged file is kept aside)."""
        assert self.slot is not None
        self.state = self.slot.restore_backup()

    def start_fresh(self) -> None:
        """After `CorruptSave`: start the slot over (the damaged file is kept aside)."""
        assert self.slot is not None
        self.state = self.slot.start_fresh()

    def close(self) -> None:
        if self.slot is not None:
            self.slot.close()
            self.slot = None

    def summaries(self) -> list[SlotSummary]:
        return self.store.list_slots(total_puzzles=len(self.catalog.puzzles))

    def last_played(self) -> str | None:
        return last_played_slot(self.store)

    def peek(self, name: str) -> SaveState | None:
        """A slot's saved state, read without locking or changing it (the open slot's state is
        the one in memory); None when it is missing or unreadable."""
        if name == self.slot_name:
            return self.state
        path = self.store.slot_path(name) / "state.json"
        try:
            return parse_save(path.read_bytes(), slot=name, path=path)
        except (SaveError, OSError, ValueError):
            return None

    def rename_slot(self, old: str, new: str) -> None:
        """Rename a slot that is not the open one. Raises `SaveError` with the reason."""
        if old == self.slot_name:
            raise SaveError(f"slot '{old}' is open in the game: load another slot first")
        self.store.rename_slot(old, new)

    def delete_slot(self, name: str) -> None:
        """Delete a slot (and its drafts) that is not the open one. Raises `SaveError`."""
        if name == self.slot_name:
            raise SaveError(f"slot '{name}' is open in the game: load another slot first")
        self.store.delete_slot(name)

    def save(self) -> str | None:
        """Autosave; returns a sentence for the player when it failed, else None."""
        if self.slot is None:
            return None
        try:
            self._write()
        except SaveError as exc:
            return str(exc)
        return None

    def _write(self) -> None:
        assert self.slot is not None
        self.slot.save(self.state)

    # -- where the player is -------------------------------------------------------------------
    @property
    def location(self) -> Location:
        return self.state.location

    @property
    def page(self) -> int:
        return self.state.location.page

    def go(self, screen: Screen, *, chapter: str | None = None, scene: str | None = None,
           puzzle: str | None = None, page: int = 0) -> None:
        """Remember where the player is (saved with the next autosave)."""
        self.state.location = Location(screen=screen, chapter=chapter, scene=scene,
                                       puzzle=puzzle, page=page)

    def open_notebook(self) -> None:
        """The notebook opens over the current screen: remember where to come back to."""
        self._notebook_return = self.location.model_copy()
        self.go("notebook", chapter=self.location.chapter)

    def close_notebook(self) -> None:
        """Back to where the player was when the notebook opened."""
        if self._notebook_return is not None:
            self.state.location = self._notebook_return
            self._notebook_return = None

    # -- progress ------------------------------------------------------------------------------
    def progress(self) -> Progress:
        return Progress.of(self.state.solved_ids(), self.state.scenes_seen)

    def percent(self) -> int:
        return percent_complete(self.catalog, self.progress())

    def mark_seen(self, scene_id: str) -> None:
        self.state.mark_scene_seen(scene_id)

    def record_verdict(self, result: Result) -> None:
        """Count a full submission; a pass marks the puzzle solved and keeps the best metrics."""
        record_verdict(self.state, result)

    def solved(self, puzzle_id: str) -> bool:
        return self.state.is_solved(puzzle_id)

    def attempts(self, puzzle_id: str) -> int:
        record = self.state.puzzles.get(puzzle_id)
        return record.attempts if record else 0

    def best(self, puzzle_id: str) -> BestMetrics:
        record = self.state.puzzles.get(puzzle_id)
        return record.best if record else BestMetrics()

    def hints_used(self, puzzle_id: str) -> int:
        record = self.state.puzzles.get(puzzle_id)
        return record.hints_used if record else 0

    def record_hint(self, puzzle_id: str, level: int) -> None:
        self.state.record_hint(puzzle_id, level)

    # -- drafts --------------------------------------------------------------------------------
    def draft_path(self, puzzle_id: str) -> Path | None:
        return self.slot.draft_path(puzzle_id) if self.slot else None

    def read_draft(self, puzzle_id: str) -> str | None:
        return self.slot.read_draft(puzzle_id) if self.slot else None

    def write_draft(self, puzzle_id: str, text: str) -> str | None:
        """Write the draft file; returns a sentence for the player when it failed."""
        if self.slot is None:
            return None
        try:
            self.slot.write_draft(puzzle_id, text)
        except SaveError as exc:
            return str(exc)
        return None

    def cursor(self, puzzle_id: str) -> tuple[int, int] | None:
        """Where the player left the editor's cursor in this puzzle; None when never opened."""
        return self.state.cursor(puzzle_id) if puzzle_id in self.state.editor else None

    def set_cursor(self, puzzle_id: str, row: int, col: int) -> None:
        if self.cursor(puzzle_id) != (row, col):
            self.state.set_cursor(puzzle_id, row, col)

    # -- settings ------------------------------------------------------------------------------
    @property
    def settings(self) -> Settings:
        return self.state.settings
