"""Save slots: versioned progress files, drafts, locking and crash-safe writes.

Layout of one slot (``saves/<slot>/``)::

    state.json                  the progress file (a versioned `SaveState`)
    state.json.bak              the previous good copy, refreshed on every save
    state.json.v1               a copy of a save as it was before it was first migrated
    state.json.broken-<time>    a damaged file the player chose to set aside
    workspace/<puzzle-id>.py    the player's drafts: plain Python files
    .lock                       the owner's pid and hostname while a game has the slot open

Every write is atomic (temporary file in the same folder, ``fsync``, ``os.replace``, ``fsync`` of
the folder), so a crash or a ``kill -9`` leaves either the old or the new file, never a mix.
Reading a save never raises anything but a `SaveError`, whatever the file holds.

The slot lock is an advisory ``flock`` on ``.lock`` (``msvcrt.locking`` on Windows). The kernel
drops it when its process dies, so a lock left behind by a crash is taken over without any race;
the pid and hostname written in the file only serve the messages and `SaveStore.list_slots`.

Adding save format 3: keep the current `SaveState` as ``SaveStateV2`` (for reference), bump
`CURRENT_VERSION` and the ``version`` literal, change `SaveState`, and register
``@migration(2)`` turning a raw version-2 object into a raw version-3 object. Older saves then
go through every step (1 -> 2 -> 3); the test suite checks that no step is missing.

This module never imports textual nor torch.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import sys
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated, Any, Final, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from game import __version__ as GAME_VERSION
from game.core.paths import saves_dir

try:  # POSIX
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

__all__ = [
    "CURRENT_VERSION",
    "MIGRATIONS",
    "BackupInfo",
    "BestMetrics",
    "CorruptSave",
    "EditorState",
    "InvalidPuzzleId",
    "InvalidSlotName",
    "Location",
    "LockOwner",
    "NewerSaveVersion",
    "PuzzleProgress",
    "SaveError",
    "SaveState",
    "SaveStateV1",
    "SaveStore",
    "Settings",
    "Slot",
    "SlotExists",
    "SlotLocked",
    "SlotNotFound",
    "SlotSummary",
    "format_slot_table",
    "last_played_slot",
    "migrate",
    "migrate_v1_to_v2",
    "migration",
    "parse_save",
    "validate_puzzle_id",
    "validate_slot_name",
]

CURRENT_VERSION: Final = 2
"""The save-format version this game writes."""

STATE_FILE = "state.json"
BACKUP_FILE = "state.json.bak"
LOCK_FILE = ".lock"
WORKSPACE_DIR = "workspace"
MAX_SAVE_BYTES = 8 * 1024 * 1024
"""A save is a few kilobytes; anything past this is not a save and is not read whole."""

_SLOT_NAME_RE = re.compile(r"[A-Za-z0-9_-]{1,40}")
_PUZZLE_ID_RE = re.compile(r"[a-z0-9_]+\.[a-z0-9_]+")
_MAX_PUZZLE_ID = 120
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul"} | {
    f"{p}{i}" for p in ("com", "lpt") for i in "123456789"
}
_TEMP_RE = re.compile(r"\..+\.\d+\.[0-9a-f]{8}\.tmp")
_UTC = timezone.utc


def _now() -> datetime:
    return datetime.now(_UTC)


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------


class SaveError(Exception):
    """Base class of every error this module raises; its message is meant for the player."""


class InvalidSlotName(SaveError, ValueError):
    """A slot name that is not 1-40 letters, digits, '-' or '_'."""


class InvalidPuzzleId(SaveError, ValueError):
    """A puzzle id that does not look like ``act1.gelu`` (and could escape the workspace)."""


class SlotNotFound(SaveError):
    """The slot does not exist."""


class SlotExists(SaveError):
    """A slot by that name already exists."""


@dataclass(frozen=True)
class LockOwner:
    """Who holds (or last held) a slot lock, as written in its ``.lock`` file."""

    pid: int | None
    host: str | None
    since: str | None = None

    def describe(self) -> str:
        """A short phrase such as ``pid 1234`` or ``pid 1234 on host lab-3``."""
        if self.pid is None:
            return "pid unknown"
        if self.host and self.host != _hostname():
            return f"pid {self.pid} on host {_clean(self.host, 60)}"
        return f"pid {self.pid}"


class SlotLocked(SaveError):
    """The slot is open in another Torchenstein process."""

    def __init__(self, slot: str, owner: LockOwner) -> None:
        self.slot = slot
        self.owner = owner
        self.pid = owner.pid
        if owner.pid == os.getpid() and owner.host in (None, _hostname()):
            msg = f"slot '{slot}' is already open in this Torchenstein process (pid {owner.pid})"
        else:
            msg = f"slot '{slot}' is open in another Torchenstein process ({owner.describe()})"
        super().__init__(msg + "; close it there first, or pick another slot")


@dataclass(frozen=True)
class BackupInfo:
    """What a valid ``state.json.bak`` holds, to offer it after a damaged save."""

    path: Path
    apprentice: str
    updated_at: datetime
    solved: int

    def describe(self) -> str:
        """``a backup from 2025-01-02 14:03 (3 puzzles solved)``."""
        noun = "puzzle" if self.solved == 1 else "puzzles"
        return f"a backup from {_fmt_time(self.updated_at)} ({self.solved} {noun} solved)"


class CorruptSave(SaveError):
    """The save file cannot be read; the message says why and offers the backup if any.

    Nothing is changed on disk: the caller decides to `Slot.restore_backup` or
    `Slot.start_fresh`, both of which keep the damaged file aside.
    """

    def __init__(
        self,
        slot: str,
        path: Path,
        reason: str,
        backup: BackupInfo | None,
        *,
        writing: bool = False,
    ) -> None:
        self.slot = slot
        self.path = path
        self.reason = reason
        self.backup = backup
        head = f"The save in slot '{slot}' can't be read: {reason}."
        if writing:
            head += " Nothing was written over it."
        if backup is not None:
            tail = (
                f" There is {backup.describe()}: restore it to continue from there"
                f" (the damaged file will be kept as {path.name}.broken-<time>)."
            )
        else:
            tail = (
                " There is no usable backup; you can start this slot afresh"
                f" (the damaged file will be kept as {path.name}.broken-<time>)."
            )
        super().__init__(head + tail)


class NewerSaveVersion(SaveError):
    """The save was written by a newer Torchenstein; it is left untouched and never overwritten."""

    def __init__(
        self, slot: str, path: Path, found_version: int, written_by: str | None = None
    ) -> None:
        self.slot = slot
        self.path = path
        self.found_version = found_version
        self.supported_version = CURRENT_VERSION
        self.written_by = written_by
        found = f"v{found_version}" if found_version < 10**9 else "a far newer version"
        by = f"Torchenstein {_clean(written_by, 30)}" if written_by else "a newer Torchenstein"
        super().__init__(
            f"Slot '{slot}' was saved by {by} (save format {found}); this Torchenstein"
            f" ({GAME_VERSION}) reads save formats up to v{CURRENT_VERSION}. Update Torchenstein"
            " to continue this slot; its file has been left untouched and will not be overwritten."
        )


class _Damaged(Exception):
    """Internal: the bytes are not a readable save (reason is a player-facing phrase)."""


class _TooNew(Exception):
    """Internal: the save declares a version above CURRENT_VERSION."""

    def __init__(self, version: int, written_by: str | None) -> None:
        super().__init__(version)
        self.version = version
        self.written_by = written_by


# --------------------------------------------------------------------------------------------
# Models (current format: version 2)
# --------------------------------------------------------------------------------------------

NonNegInt = Annotated[int, Field(ge=0)]
Screen = Literal["title", "map", "scene", "puzzle", "notebook"]
Device = Literal["auto", "cpu", "cuda", "mps"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", validate_assignment=True)


class Location(_Model):
    """Where the player is: the screen and the chapter/scene/puzzle it shows."""

    screen: Screen = "title"
    chapter: str | None = None
    scene: str | None = None
    page: NonNegInt = 0
    puzzle: str | None = None


class BestMetrics(_Model):
    """Best (lowest) figures of a passing solution; None until one is recorded."""

    chars: NonNegInt | None = None
    lines: NonNegInt | None = None
    time_ratio: Annotated[float, Field(ge=0, allow_inf_nan=False)] | None = None


class PuzzleProgress(_Model):
    """Progress on one puzzle."""

    attempts: NonNegInt = 0
    solved: bool = False
    solved_at: AwareDatetime | None = None
    hints_used: NonNegInt = 0
    """Highest hint tier revealed (0: none)."""
    best: BestMetrics = Field(default_factory=BestMetrics)


class EditorState(_Model):
    """Editor state of one puzzle: the cursor as 0-based (row, column)."""

    cursor: tuple[NonNegInt, NonNegInt] = (0, 0)


class Settings(_Model):
    """Player settings stored with the slot."""

    device: Device = "auto"
    theme: str = "textual-dark"
    reduced_motion: bool = False


class SaveState(_Model):
    """The whole progress of one slot (save format version 2)."""

    version: Literal[2] = CURRENT_VERSION
    game_version: str | None = None
    """The Torchenstein version that last wrote this save (set by `Slot.save`)."""
    apprentice: str
    created_at: AwareDatetime
    updated_at: AwareDatetime
    location: Location = Field(default_factory=Location)
    puzzles: dict[str, PuzzleProgress] = Field(default_factory=dict)
    editor: dict[str, EditorState] = Field(default_factory=dict)
    scenes_seen: list[str] = Field(default_factory=list)
    settings: Settings = Field(default_factory=Settings)

    @classmethod
    def new(cls, apprentice: str = "apprentice", *, now: datetime | None = None) -> SaveState:
        """A fresh state: nothing solved, on the title screen."""
        stamp = now or _now()
        return cls(apprentice=apprentice, created_at=stamp, updated_at=stamp)

    def progress(self, puzzle_id: str) -> PuzzleProgress:
        """The progress record of a puzzle, created (empty) if missing."""
        record = self.puzzles.get(puzzle_id)
        if record is None:
            record = self.puzzles[puzzle_id] = PuzzleProgress()
        return record

    def record_verdict(
        self,
        puzzle_id: str,
        passed: bool,
        metrics: BestMetrics | Mapping[str, Any] | None = None,
        *,
        when: datetime | None = None,
    ) -> PuzzleProgress:
        """Count an attempt; on a pass mark the puzzle solved and keep the lowest metrics."""
        record = self.progress(puzzle_id)
        record.attempts += 1
        if not passed:
            return record
        if not record.solved:
            record.solved = True
            record.solved_at = when or _now()
        if metrics is not None:
            new = metrics if isinstance(metrics, BestMetrics) else BestMetrics(**dict(metrics))
            best = record.best
            for field in ("chars", "lines", "time_ratio"):
                value = getattr(new, field)
                old = getattr(best, field)
                if value is not None and (old is None or value < old):
                    setattr(best, field, value)
        return record

    def record_hint(self, puzzle_id: str, level: int) -> PuzzleProgress:
        """Remember that hint tier ``level`` was revealed (keeps the highest tier)."""
        record = self.progress(puzzle_id)
        record.hints_used = max(record.hints_used, level)
        return record

    def solved_ids(self) -> set[str]:
        """Ids of the solved puzzles."""
        return {pid for pid, record in self.puzzles.items() if record.solved}

    def is_solved(self, puzzle_id: str) -> bool:
        """Whether that puzzle is solved."""
        record = self.puzzles.get(puzzle_id)
        return bool(record and record.solved)

    def set_cursor(self, puzzle_id: str, row: int, col: int) -> None:
        """Remember the editor cursor (0-based row and column) of a puzzle."""
        self.editor[puzzle_id] = EditorState(cursor=(row, col))

    def cursor(self, puzzle_id: str) -> tuple[int, int]:
        """The remembered editor cursor of a puzzle, (0, 0) if none."""
        state = self.editor.get(puzzle_id)
        return state.cursor if state else (0, 0)

    def mark_scene_seen(self, scene_id: str) -> None:
        """Add a scene to `scenes_seen` (once)."""
        if scene_id not in self.scenes_seen:
            self.scenes_seen.append(scene_id)

    def percent_complete(self, total_puzzles: int) -> int:
        """Solved puzzles as a whole percentage of ``total_puzzles`` (0 when there are none)."""
        return _percent(len(self.solved_ids()), total_puzzles)


# --------------------------------------------------------------------------------------------
# Older formats and migrations
# --------------------------------------------------------------------------------------------


class SaveStateV1(BaseModel):
    """Save format version 1: one flat object (kept to read and migrate old saves)."""

    model_config = ConfigDict(extra="ignore")

    version: Literal[1] = 1
    name: str
    chapter: str | None = None
    scene: str | None = None
    solved: list[str] = Field(default_factory=list)
    attempts: dict[str, NonNegInt] = Field(default_factory=dict)
    device: str = "auto"
    saved_at: datetime | None = None
    """May be naive in version 1; read as UTC then."""


Migration = Callable[[dict[str, Any]], dict[str, Any]]
MIGRATIONS: dict[int, Migration] = {}
"""``MIGRATIONS[n]`` turns a raw version-n object into a raw version n+1 object."""


def migration(from_version: int) -> Callable[[Migration], Migration]:
    """Register a migration from ``from_version`` to ``from_version + 1``."""

    def register(fn: Migration) -> Migration:
        MIGRATIONS[from_version] = fn
        return fn

    return register


@migration(1)
def migrate_v1_to_v2(raw: dict[str, Any]) -> dict[str, Any]:
    """Version 1 -> 2.

    ``name`` becomes ``apprentice``; ``saved_at`` (UTC if naive, now if missing) becomes both
    ``created_at`` and ``updated_at``; the location is the scene (or the map of the chapter, or
    the title); every puzzle in ``solved`` or ``attempts`` gets a record (a solved puzzle counts
    at least one attempt; its solving time is unknown, so ``solved_at`` stays None); an unknown
    ``device`` becomes "auto". Hints, best metrics, editor cursors and seen scenes start empty.
    """
    old = SaveStateV1.model_validate(raw)
    stamp = old.saved_at or _now()
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=_UTC)
    if old.scene:
        screen = "scene"
    elif old.chapter:
        screen = "map"
    else:
        screen = "title"
    solved = set(old.solved)
    puzzles: dict[str, Any] = {}
    for pid in [*old.solved, *old.attempts]:
        if pid in puzzles:
            continue
        attempts = old.attempts.get(pid, 0)
        is_solved = pid in solved
        puzzles[pid] = {
            "attempts": max(attempts, 1) if is_solved else attempts,
            "solved": is_solved,
            "solved_at": None,
            "hints_used": 0,
            "best": {},
        }
    device = old.device if old.device in ("auto", "cpu", "cuda", "mps") else "auto"
    return {
        "version": 2,
        "game_version": None,
        "apprentice": old.name,
        "created_at": stamp.isoformat(),
        "updated_at": stamp.isoformat(),
        "location": {"screen": screen, "chapter": old.chapter, "scene": old.scene, "puzzle": None},
        "puzzles": puzzles,
        "editor": {},
        "scenes_seen": [],
        "settings": {"device": device},
    }


def migrate(raw: dict[str, Any]) -> dict[str, Any]:
    """Bring a raw save object of any known older version up to `CURRENT_VERSION`.

    Raises `pydantic.ValidationError` (or `ValueError`) when the object does not match its
    declared version; `parse_save` turns these into `CorruptSave`.
    """
    version = raw.get("version")
    while isinstance(version, int) and version < CURRENT_VERSION:
        step = MIGRATIONS.get(version)
        if step is None:
            raise ValueError(f"no migration from save format v{version}")
        raw = step(raw)
        version = raw.get("version")
    return raw


# --------------------------------------------------------------------------------------------
# Decoding and encoding
# --------------------------------------------------------------------------------------------


def _reject_constant(name: str) -> Any:
    raise _Damaged("it contains a number that is not finite (NaN or Infinity)")


def _describe_validation(exc: ValidationError) -> str:
    errors = exc.errors(include_url=False, include_input=False)
    if not errors:
        return "some of its contents are wrong"
    first = errors[0]
    where = " > ".join(_clean(str(part), 40) for part in first.get("loc", ())) or "the top level"
    more = len(errors) - 1
    extra = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
    msg = _clean(str(first.get("msg", "invalid value")), 120)
    return f"some of its contents are wrong: at {where}, {msg[:1].lower()}{msg[1:]}{extra}"


def _decode(data: bytes) -> tuple[SaveState, int]:
    """Parse bytes into a current `SaveState` and the version found on disk.

    Raises only `_Damaged` or `_TooNew`.
    """
    try:
        if len(data) > MAX_SAVE_BYTES:
            raise _Damaged(f"the file is far too large to be a save (over {MAX_SAVE_BYTES} bytes)")
        if not data.strip():
            raise _Damaged("the file is empty")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise _Damaged("the file is not text (it holds bytes that are not UTF-8)") from None
        try:
            raw = json.loads(text, parse_constant=_reject_constant)
        except json.JSONDecodeError as exc:
            raise _Damaged(
                f"it is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
            ) from None
        except RecursionError:
            raise _Damaged("it is nested far too deeply to be a save") from None
        except ValueError:  # e.g. an integer with more digits than Python converts
            raise _Damaged("it holds a number far too long to be part of a save") from None
        if not isinstance(raw, dict):
            kind = {list: "a list", str: "a string", bool: "true/false"}.get(type(raw), "a value")
            if raw is None:
                kind = "null"
            elif type(raw) in (int, float):
                kind = "a number"
            raise _Damaged(f"it does not hold a Torchenstein save (it holds {kind}, not an object)")
        version = raw.get("version")
        if "version" not in raw:
            raise _Damaged("it has no save-format version")
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            raise _Damaged("its save-format version is not a valid version number")
        if version > CURRENT_VERSION:
            written_by = raw.get("game_version")
            raise _TooNew(version, written_by if isinstance(written_by, str) else None)
        try:
            current = migrate(raw) if version < CURRENT_VERSION else raw
            state = SaveState.model_validate(current)
        except ValidationError as exc:
            raise _Damaged(_describe_validation(exc)) from None
        except RecursionError:
            raise _Damaged("it is nested far too deeply to be a save") from None
        return state, version
    except (_Damaged, _TooNew):
        raise
    except Exception as exc:  # last line of defence: never let file content crash the game
        raise _Damaged(f"it could not be understood ({type(exc).__name__})") from None


def parse_save(data: bytes, *, slot: str = "?", path: Path | None = None) -> SaveState:
    """Decode the bytes of a ``state.json`` (any known version) into a current `SaveState`.

    Raises `CorruptSave` (without a backup offer) or `NewerSaveVersion`; nothing else.
    """
    where = path or Path(STATE_FILE)
    try:
        return _decode(data)[0]
    except _Damaged as exc:
        raise CorruptSave(slot, where, str(exc), None) from None
    except _TooNew as exc:
        raise NewerSaveVersion(slot, where, exc.version, exc.written_by) from None


def _encode(state: SaveState, slot: str) -> bytes:
    """Serialise a state, checking that it reads back; raises `SaveError` if it would not."""
    try:
        data = state.model_dump(mode="json")
        try:
            payload = json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
            raw = payload.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates: escape everything instead
            raw = (json.dumps(data, indent=2, ensure_ascii=True, allow_nan=False) + "\n").encode()
        _decode(raw)
    except _Damaged as exc:
        raise SaveError(f"refusing to write an invalid save for slot '{slot}': {exc}") from None
    except Exception as exc:
        raise SaveError(f"refusing to write an invalid save for slot '{slot}': {exc}") from exc
    return raw


# --------------------------------------------------------------------------------------------
# Validation of names
# --------------------------------------------------------------------------------------------


def validate_slot_name(name: str) -> str:
    """Return ``name`` if it is a valid slot name (1-40 letters, digits, '-', '_'), else raise."""
    if not isinstance(name, str) or not _SLOT_NAME_RE.fullmatch(name):
        shown = _clean(repr(name), 50)
        raise InvalidSlotName(
            f"invalid slot name {shown}: use 1 to 40 letters, digits, '-' or '_' (no spaces)"
        )
    if name.lower() in _WINDOWS_RESERVED:
        raise InvalidSlotName(f"invalid slot name '{name}': that name is reserved on Windows")
    return name


def validate_puzzle_id(puzzle_id: str) -> str:
    """Return ``puzzle_id`` if it looks like ``act1.gelu`` (``[a-z0-9_]+.[a-z0-9_]+``)."""
    if (
        not isinstance(puzzle_id, str)
        or len(puzzle_id) > _MAX_PUZZLE_ID
        or not _PUZZLE_ID_RE.fullmatch(puzzle_id)
    ):
        raise InvalidPuzzleId(
            f"invalid puzzle id {_clean(repr(puzzle_id), 60)}: expected something like"
            " 'act1.gelu' (lowercase letters, digits and '_', one dot)"
        )
    return puzzle_id


# --------------------------------------------------------------------------------------------
# Small file-system helpers
# --------------------------------------------------------------------------------------------


def _hostname() -> str:
    try:
        return socket.gethostname()
    except OSError:  # pragma: no cover
        return "unknown"


def _clean(text: str, limit: int) -> str:
    """Printable, single-line, bounded text (file content must not drive the terminal)."""
    out = "".join(ch if ch.isprintable() else "?" for ch in text)
    return out if len(out) <= limit else out[: limit - 1] + "…"


def _fmt_time(moment: datetime) -> str:
    try:
        return moment.astimezone().strftime("%Y-%m-%d %H:%M")
    except (OverflowError, ValueError, OSError):
        return moment.strftime("%Y-%m-%d %H:%M UTC")


def _percent(solved: int, total: int) -> int:
    if total <= 0:
        return 0
    return max(0, min(100, solved * 100 // total))


def _temp_name(target: Path) -> Path:
    return target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")


def _read_bytes(path: Path, limit: int = MAX_SAVE_BYTES + 1) -> bytes | None:
    """Up to ``limit`` bytes of a file, or None if it does not exist."""
    try:
        with open(path, "rb") as handle:
            return handle.read(limit)
    except FileNotFoundError:
        return None


def _write_temp(target: Path, data: bytes) -> Path:
    """Write ``data`` to a new temporary file beside ``target`` and fsync it."""
    temp = _temp_name(target)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    fd = os.open(temp, flags, 0o644)
    try:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        _unlink_quiet(temp)
        raise
    os.close(fd)
    return temp


def _atomic_write(target: Path, data: bytes, *, sync_dir: bool = True) -> None:
    """Replace ``target`` by ``data`` atomically (temp file, fsync, os.replace, fsync folder)."""
    temp = _write_temp(target, data)
    try:
        os.replace(temp, target)
    except BaseException:
        _unlink_quiet(temp)
        raise
    if sync_dir:
        _fsync_dir(target.parent)


def _fsync_dir(folder: Path) -> None:
    if sys.platform == "win32":  # pragma: no cover - folders cannot be fsynced there
        return
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _unlink_quiet(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _aside_name(target: Path, label: str) -> Path:
    stamp = _now().strftime("%Y%m%dT%H%M%SZ")
    candidate = target.with_name(f"{target.name}.{label}-{stamp}")
    n = 1
    while candidate.exists():
        n += 1
        candidate = target.with_name(f"{target.name}.{label}-{stamp}-{n}")
    return candidate


# --------------------------------------------------------------------------------------------
# Locking
# --------------------------------------------------------------------------------------------


def _pid_alive(pid: int) -> bool:
    """Whether a process with that pid exists on this machine (zombies count as alive)."""
    if pid <= 0:
        return False
    if pid == os.getpid():
        return True
    if sys.platform == "win32":  # pragma: no cover
        return _win_pid_alive(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except (OverflowError, OSError):
        return False
    return True


def _win_pid_alive(pid: int) -> bool:  # pragma: no cover - Windows only
    import ctypes

    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return kernel32.GetLastError() == 5  # access denied: it exists
    try:
        code = ctypes.c_ulong()
        if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
            return True
        return code.value == 259  # STILL_ACTIVE
    finally:
        kernel32.CloseHandle(handle)


def _parse_owner(data: bytes | None) -> LockOwner | None:
    if not data:
        return None
    try:
        raw = json.loads(data.decode("utf-8"))
    except (ValueError, RecursionError):
        return LockOwner(None, None)
    if not isinstance(raw, dict):
        return LockOwner(None, None)
    pid = raw.get("pid")
    host = raw.get("host")
    since = raw.get("since")
    return LockOwner(
        pid if isinstance(pid, int) and not isinstance(pid, bool) and 0 < pid < 2**31 else None,
        host if isinstance(host, str) else None,
        since if isinstance(since, str) else None,
    )


def _read_fd(fd: int, limit: int = 4096) -> bytes:
    os.lseek(fd, 0, os.SEEK_SET)
    return os.read(fd, limit)


def _try_lock(fd: int) -> bool:
    """Take the exclusive advisory lock of an open lock file without waiting."""
    if fcntl is not None:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # EWOULDBLOCK / EAGAIN / EACCES: someone holds it
            return False
        return True
    import msvcrt  # pragma: no cover - Windows: lock one byte far past the pid text

    os.lseek(fd, 1 << 20, os.SEEK_SET)  # pragma: no cover
    try:  # pragma: no cover
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    except OSError:  # pragma: no cover
        return False
    return True  # pragma: no cover


def _same_file(fd: int, path: Path) -> bool:
    try:
        on_disk = os.stat(path)
    except OSError:
        return False
    mine = os.fstat(fd)
    return (on_disk.st_dev, on_disk.st_ino) == (mine.st_dev, mine.st_ino)


class _SlotLock:
    """An acquired slot lock: the open, locked ``.lock`` file."""

    def __init__(self, fd: int, path: Path, previous: LockOwner | None) -> None:
        self.fd: int | None = fd
        self.path = path
        self.previous = previous
        self.pid = os.getpid()

    @classmethod
    def acquire(cls, path: Path, slot: str, *, create_dir: bool) -> _SlotLock:
        """Lock ``path`` (creating it), taking over a lock whose holder has died.

        The kernel lock decides who owns the slot, so two processes that find the same stale
        lock cannot both win; the inode check below makes sure the file we locked is still the
        one at ``path`` (its owner may have removed it between our open and our lock).
        """
        for _ in range(100):
            try:
                fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
            except FileNotFoundError:
                if not create_dir:
                    raise SlotNotFound(f"there is no slot '{slot}'") from None
                path.parent.mkdir(parents=True, exist_ok=True)
                continue
            try:
                if not _try_lock(fd):
                    raise SlotLocked(slot, cls._wait_for_owner(fd))
                if not _same_file(fd, path):
                    os.close(fd)
                    fd = -1
                    continue
                previous = _parse_owner(_read_fd(fd))
                stamp = _now().isoformat(timespec="seconds")
                text = json.dumps({"pid": os.getpid(), "host": _hostname(), "since": stamp})
                os.ftruncate(fd, 0)
                os.lseek(fd, 0, os.SEEK_SET)
                os.write(fd, (text + "\n").encode())
                return cls(fd, path, previous)
            except BaseException:
                if fd >= 0:
                    os.close(fd)
                raise
        raise SaveError(f"could not lock slot '{slot}': its lock file keeps changing")

    @staticmethod
    def _wait_for_owner(fd: int) -> LockOwner:
        # The holder may have just taken the lock and not yet replaced the previous (dead)
        # owner's pid, or not written its own: wait a little for a live pid.
        owner: LockOwner | None = None
        for _ in range(50):
            owner = _parse_owner(_read_fd(fd))
            if owner is not None and owner.pid is not None:
                if (owner.host and owner.host != _hostname()) or _pid_alive(owner.pid):
                    return owner
            time.sleep(0.01)
        return owner or LockOwner(None, None)

    def release(self) -> None:
        """Remove the lock file (if still ours) and drop the lock."""
        fd, self.fd = self.fd, None
        if fd is None:
            return
        if os.getpid() != self.pid:  # a forked child: the lock belongs to the parent
            os.close(fd)
            return
        if fcntl is not None:
            if _same_file(fd, self.path):
                _unlink_quiet(self.path)
            os.close(fd)
        else:  # pragma: no cover - Windows cannot remove an open file
            os.close(fd)
            _unlink_quiet(self.path)


def _lock_problem(path: Path) -> str | None:
    """Read-only guess, for listings, of whether another live process holds the slot."""
    try:
        owner = _parse_owner(_read_bytes(path, 4096))
    except OSError:
        return None
    if owner is None or owner.pid is None:
        return None
    if owner.host and owner.host != _hostname():
        return f"may be open on another computer ({owner.describe()})"
    if owner.pid == os.getpid() or not _pid_alive(owner.pid):
        return None
    return f"open in another Torchenstein process (pid {owner.pid})"


# --------------------------------------------------------------------------------------------
# Slots
# --------------------------------------------------------------------------------------------


class Slot:
    """An open, locked save slot. Use as a context manager, or call `close`."""

    def __init__(self, store: SaveStore, name: str, lock: _SlotLock) -> None:
        self.store = store
        self.name = name
        self.path = store.root / name
        self._lock: _SlotLock | None = lock
        self.took_over: LockOwner | None = lock.previous
        """The owner of a stale lock this slot took over when it opened (None if there was none)."""
        self.set_aside: Path | None = None
        """Where the last damaged file was moved by `restore_backup` or `start_fresh`."""

    # -- paths ---------------------------------------------------------------------------

    @property
    def state_path(self) -> Path:
        """``<slot>/state.json``."""
        return self.path / STATE_FILE

    @property
    def backup_path(self) -> Path:
        """``<slot>/state.json.bak``."""
        return self.path / BACKUP_FILE

    @property
    def lock_path(self) -> Path:
        """``<slot>/.lock``."""
        return self.path / LOCK_FILE

    @property
    def workspace(self) -> Path:
        """``<slot>/workspace``, the folder of drafts."""
        return self.path / WORKSPACE_DIR

    @property
    def closed(self) -> bool:
        """Whether the slot has been closed (its lock released)."""
        return self._lock is None

    # -- life cycle ----------------------------------------------------------------------

    def close(self) -> None:
        """Release the slot lock. Safe to call twice."""
        lock, self._lock = self._lock, None
        if lock is not None:
            lock.release()

    def __enter__(self) -> Slot:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Slot({self.name!r}, {'closed' if self.closed else 'open'})"

    def _check_open(self) -> None:
        if self._lock is None:
            raise SaveError(f"slot '{self.name}' is closed")

    def _cleanup_temp_files(self) -> None:
        """Remove temporary files left by writers that died (we hold the lock: none is live)."""
        for folder in (self.path, self.workspace):
            try:
                names = os.listdir(folder)
            except OSError:
                continue
            for entry in names:
                if _TEMP_RE.fullmatch(entry):
                    _unlink_quiet(folder / entry)

    # -- reading -------------------------------------------------------------------------

    def _read(self, path: Path) -> bytes | None:
        try:
            return _read_bytes(path)
        except OSError as exc:
            raise SaveError(
                f"could not read the save of slot '{self.name}': {exc.strerror or exc}"
            ) from exc

    def _backup_info(self) -> BackupInfo | None:
        try:
            data = self._read(self.backup_path)
        except SaveError:
            return None
        if data is None:
            return None
        try:
            state, _ = _decode(data)
        except (_Damaged, _TooNew):
            return None
        return BackupInfo(
            self.backup_path, state.apprentice, state.updated_at, len(state.solved_ids())
        )

    def _inspect_current(self, *, writing: bool = False) -> tuple[bytes | None, int | None]:
        """The bytes and version of ``state.json``; raises if it is damaged or too new."""
        data = self._read(self.state_path)
        if data is None:
            return None, None
        try:
            _, version = _decode(data)
        except _Damaged as exc:
            raise CorruptSave(
                self.name, self.state_path, str(exc), self._backup_info(), writing=writing
            ) from None
        except _TooNew as exc:
            raise NewerSaveVersion(
                self.name, self.state_path, exc.version, exc.written_by
            ) from None
        return data, version

    def load(self) -> SaveState:
        """The saved state (migrated to the current format), or a fresh one for a new slot.

        Raises `CorruptSave` or `NewerSaveVersion` (never anything but a `SaveError`). Nothing
        on disk changes; an older format is written in the new one at the next `save`.
        """
        self._check_open()
        data = self._read(self.state_path)
        if data is None:
            backup = self._backup_info()
            if backup is not None:
                raise CorruptSave(
                    self.name, self.state_path, "its progress file (state.json) is missing", backup
                )
            return SaveState.new(apprentice=self.name)
        try:
            return _decode(data)[0]
        except _Damaged as exc:
            raise CorruptSave(self.name, self.state_path, str(exc), self._backup_info()) from None
        except _TooNew as exc:
            raise NewerSaveVersion(
                self.name, self.state_path, exc.version, exc.written_by
            ) from None

    # -- writing -------------------------------------------------------------------------

    def save(self, state: SaveState) -> None:
        """Write ``state`` atomically, keeping the previous good file as ``state.json.bak``.

        Sets ``state.updated_at`` (and ``game_version``). Refuses, with `NewerSaveVersion` or
        `CorruptSave`, to write over a file from a newer game or a damaged file (the player
        chooses `restore_backup` or `start_fresh` first). Disk errors become `SaveError`.
        """
        self._check_open()
        if not isinstance(state, SaveState):
            raise TypeError(f"save() expects a SaveState, not {type(state).__name__}")
        current, current_version = self._inspect_current(writing=True)
        stamp = max(_now(), state.created_at)
        candidate = state.model_copy(update={"updated_at": stamp, "game_version": GAME_VERSION})
        payload = _encode(candidate, self.name)
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            temp = _write_temp(self.state_path, payload)
            try:
                if current is not None:
                    if current_version is not None and current_version < CURRENT_VERSION:
                        original = self.path / f"{STATE_FILE}.v{current_version}"
                        if not original.exists():
                            _atomic_write(original, current, sync_dir=False)
                    _atomic_write(self.backup_path, current, sync_dir=False)
                os.replace(temp, self.state_path)
            except BaseException:
                _unlink_quiet(temp)
                raise
            _fsync_dir(self.path)
        except OSError as exc:
            raise SaveError(f"could not save slot '{self.name}': {exc.strerror or exc}") from exc
        state.updated_at = stamp
        state.game_version = GAME_VERSION

    def _move_aside(self) -> Path:
        target = _aside_name(self.state_path, "broken")
        os.replace(self.state_path, target)
        self.set_aside = target
        return target

    def restore_backup(self) -> SaveState:
        """Put ``state.json.bak`` back as ``state.json`` and return its state.

        Only for a damaged or missing ``state.json``, which is kept as
        ``state.json.broken-<time>`` (never deleted). The backup file itself stays.
        """
        self._check_open()
        backup = self._read(self.backup_path)
        if backup is None:
            raise SaveError(f"slot '{self.name}' has no backup to restore")
        try:
            state, _ = _decode(backup)
        except _Damaged as exc:
            raise CorruptSave(self.name, self.backup_path, str(exc), None) from None
        except _TooNew as exc:
            raise NewerSaveVersion(
                self.name, self.backup_path, exc.version, exc.written_by
            ) from None
        try:
            self._inspect_current()
        except CorruptSave:
            pass
        else:
            if self.state_path.exists():
                raise SaveError(
                    f"the save in slot '{self.name}' is fine; there is nothing to restore"
                )
        try:
            if self.state_path.exists():
                self._move_aside()
            _atomic_write(self.state_path, backup)
        except OSError as exc:
            raise SaveError(
                f"could not restore the backup of slot '{self.name}': {exc.strerror or exc}"
            ) from exc
        return state

    def start_fresh(self, apprentice: str | None = None) -> SaveState:
        """Start a damaged slot over: keep the damaged file aside, save and return a new state."""
        self._check_open()
        try:
            self._inspect_current()
        except CorruptSave:
            pass
        else:
            if self.state_path.exists():
                raise SaveError(
                    f"the save in slot '{self.name}' is fine; delete the slot to start over"
                )
        state = SaveState.new(apprentice=apprentice or self.name)
        try:
            if self.state_path.exists():
                self._move_aside()
        except OSError as exc:
            raise SaveError(
                f"could not set aside the save of slot '{self.name}': {exc.strerror or exc}"
            ) from exc
        self.save(state)
        return state

    # -- drafts --------------------------------------------------------------------------

    def draft_path(self, puzzle_id: str) -> Path:
        """``<slot>/workspace/<puzzle-id>.py`` (the id is validated, so it cannot escape)."""
        return self.workspace / f"{validate_puzzle_id(puzzle_id)}.py"

    def read_draft(self, puzzle_id: str) -> str | None:
        """The player's draft for a puzzle, or None if there is none.

        Drafts are plain files the player may edit elsewhere: a BOM is dropped, line endings
        become ``\\n`` and bytes that are not UTF-8 are shown as U+FFFD rather than failing.
        """
        path = self.draft_path(puzzle_id)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise SaveError(
                f"could not read the draft {path.name} of slot '{self.name}': {exc.strerror or exc}"
            ) from exc
        text = data.decode("utf-8-sig", errors="replace")
        return text.replace("\r\n", "\n").replace("\r", "\n")

    def write_draft(self, puzzle_id: str, text: str) -> Path:
        """Atomically write a puzzle's draft (UTF-8, ``\\n`` line endings); returns its path."""
        self._check_open()
        path = self.draft_path(puzzle_id)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            _atomic_write(path, text.encode("utf-8", errors="replace"))
        except OSError as exc:
            raise SaveError(
                f"could not write the draft {path.name} of slot '{self.name}':"
                f" {exc.strerror or exc}"
            ) from exc
        return path

    def delete_draft(self, puzzle_id: str) -> bool:
        """Remove a puzzle's draft; returns whether there was one."""
        self._check_open()
        path = self.draft_path(puzzle_id)
        try:
            path.unlink()
        except FileNotFoundError:
            return False
        except OSError as exc:
            raise SaveError(
                f"could not delete the draft {path.name} of slot '{self.name}':"
                f" {exc.strerror or exc}"
            ) from exc
        return True


# --------------------------------------------------------------------------------------------
# Store
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SlotSummary:
    """One row of the slot listing (read without changing anything on disk)."""

    name: str
    apprentice: str | None
    chapter: str | None
    scene: str | None
    puzzle: str | None
    solved: int
    total: int
    percent: int | None
    """Whole percentage of puzzles solved; None when the save could not be read."""
    last_played: datetime | None
    """``updated_at`` of the save, else the file's modification time."""
    version: int | None
    problem: str | None
    """Why the slot cannot simply be continued (damaged, newer, open elsewhere), else None."""
    locked: bool = False
    """Whether another live process (or another computer) seems to have the slot open."""


class SaveStore:
    """The folder of save slots (``saves/`` unless told otherwise)."""

    def __init__(self, root: str | os.PathLike[str] | None = None) -> None:
        self.root = saves_dir(root) if root is None else Path(root)

    def __repr__(self) -> str:
        return f"SaveStore({str(self.root)!r})"

    def slot_path(self, name: str) -> Path:
        """The folder of a slot (the name is validated)."""
        return self.root / validate_slot_name(name)

    def exists(self, name: str) -> bool:
        """Whether a slot by that name exists."""
        return self.slot_path(name).is_dir()

    def slot_names(self) -> list[str]:
        """Names of the existing slots, sorted (read-only)."""
        try:
            entries = list(os.scandir(self.root))
        except OSError:
            return []
        names = []
        for entry in entries:
            if not _SLOT_NAME_RE.fullmatch(entry.name):
                continue
            try:
                if entry.is_dir():
                    names.append(entry.name)
            except OSError:
                continue
        return sorted(names)

    def open_slot(self, name: str, create: bool = True) -> Slot:
        """Open (and lock) a slot, creating it if ``create``.

        Raises `InvalidSlotName`, `SlotNotFound` (``create=False``), or `SlotLocked` when
        another live process has it open. A lock left by a dead process is taken over.
        """
        folder = self.slot_path(name)
        if folder.exists() and not folder.is_dir():
            raise SaveError(f"cannot open slot '{name}': {folder} is not a folder")
        if not folder.is_dir():
            if not create:
                raise SlotNotFound(f"there is no slot '{name}' in {self.root}")
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise SaveError(
                    f"could not create slot '{name}' in {self.root}: {exc.strerror or exc}"
                ) from exc
        try:
            lock = _SlotLock.acquire(folder / LOCK_FILE, name, create_dir=create)
        except OSError as exc:
            raise SaveError(f"could not lock slot '{name}': {exc.strerror or exc}") from exc
        slot = Slot(self, name, lock)
        slot._cleanup_temp_files()
        return slot

    def _summary(self, name: str, total_puzzles: int) -> SlotSummary:
        folder = self.root / name
        problems: list[str] = []
        state: SaveState | None = None
        version: int | None = None
        last_played: datetime | None = None
        state_path = folder / STATE_FILE
        try:
            data = _read_bytes(state_path)
        except OSError as exc:
            data = None
            problems.append(f"unreadable ({exc.strerror or exc})")
        has_backup = (folder / BACKUP_FILE).is_file()
        if data is None and has_backup and not problems:
            problems.append("progress file missing (a backup exists)")
        elif data is not None:
            try:
                state, version = _decode(data)
            except _Damaged:
                problems.append(
                    "damaged save (a backup exists)" if has_backup else "damaged save (no backup)"
                )
            except _TooNew as exc:
                version = exc.version
                shown = f"v{exc.version}" if exc.version < 10**9 else "a far newer format"
                problems.append(f"needs a newer Torchenstein (save format {shown})")
        lock_problem = _lock_problem(folder / LOCK_FILE)
        if lock_problem:
            problems.insert(0, lock_problem)
        if state is not None:
            last_played = state.updated_at
        else:
            try:
                mtime = os.stat(state_path).st_mtime
                last_played = datetime.fromtimestamp(mtime, _UTC)
            except (OSError, OverflowError, ValueError):
                last_played = None
        solved = len(state.solved_ids()) if state else 0
        if state is not None:
            percent: int | None = _percent(solved, total_puzzles)
        else:  # a new slot that was never saved counts as 0%; an unreadable one is unknown
            percent = 0 if data is None and not problems else None
        return SlotSummary(
            name=name,
            apprentice=state.apprentice if state else None,
            chapter=state.location.chapter if state else None,
            scene=state.location.scene if state else None,
            puzzle=state.location.puzzle if state else None,
            solved=solved,
            total=total_puzzles,
            percent=percent,
            last_played=last_played,
            version=version,
            problem="; ".join(problems) or None,
            locked=lock_problem is not None,
        )

    def list_slots(self, total_puzzles: int = 0) -> list[SlotSummary]:
        """Summaries of all slots, most recently played first. Never changes anything on disk."""
        summaries = [self._summary(name, total_puzzles) for name in self.slot_names()]
        epoch = datetime.min.replace(tzinfo=_UTC)
        summaries.sort(key=lambda s: s.name)
        summaries.sort(key=lambda s: s.last_played or epoch, reverse=True)
        return summaries

    def rename_slot(self, old: str, new: str) -> None:
        """Rename a slot; refuses if ``new`` exists or ``old`` is open in another process."""
        source = self.slot_path(old)
        target = self.slot_path(new)
        if not source.is_dir():
            raise SlotNotFound(f"there is no slot '{old}' in {self.root}")
        if target.exists() and not (old.lower() == new.lower() and source.samefile(target)):
            raise SlotExists(f"a slot named '{new}' already exists")
        lock = self._lock_for_maintenance(old)
        try:
            os.rename(source, target)
            lock.path = target / LOCK_FILE
        except OSError as exc:
            raise SaveError(
                f"could not rename slot '{old}' to '{new}': {exc.strerror or exc}"
            ) from exc
        finally:
            lock.release()

    def delete_slot(self, name: str) -> None:
        """Delete a slot and its drafts; refuses if it is open in another live process."""
        source = self.slot_path(name)
        if not source.is_dir():
            raise SlotNotFound(f"there is no slot '{name}' in {self.root}")
        lock = self._lock_for_maintenance(name)
        trash = self.root / f".deleted-{name}-{secrets.token_hex(4)}"
        try:
            os.rename(source, trash)  # atomically out of sight: nobody can open it any more
            lock.path = trash / LOCK_FILE
        except OSError as exc:
            lock.release()
            raise SaveError(f"could not delete slot '{name}': {exc.strerror or exc}") from exc
        lock.release()
        try:
            shutil.rmtree(trash)
        except OSError as exc:
            raise SaveError(
                f"slot '{name}' was removed but {trash} could not be fully deleted:"
                f" {exc.strerror or exc}"
            ) from exc

    def _lock_for_maintenance(self, name: str) -> _SlotLock:
        try:
            return _SlotLock.acquire(self.slot_path(name) / LOCK_FILE, name, create_dir=False)
        except OSError as exc:
            raise SaveError(f"could not lock slot '{name}': {exc.strerror or exc}") from exc


def last_played_slot(store: SaveStore) -> str | None:
    """The most recently played slot to continue, or None if there is none.

    Slots open in another process are skipped; a damaged or newer slot is still returned so
    that opening it shows the player what is wrong (and offers the backup).
    """
    for summary in store.list_slots():
        if summary.locked:
            continue
        return summary.name
    return None


def format_slot_table(summaries: Iterable[SlotSummary]) -> str:
    """A plain-text table of slots for ``python -m game saves``."""
    rows = list(summaries)
    if not rows:
        return "No save slots yet. Start a game to create one."
    header = ("Slot", "Apprentice", "Chapter", "Done", "Last played", "Problem")
    body = []
    for s in rows:
        body.append(
            (
                s.name,
                _clean(s.apprentice, 24) if s.apprentice is not None else "-",
                _clean(s.chapter, 20) if s.chapter else "-",
                f"{s.percent}%" if s.percent is not None else "-",
                _fmt_time(s.last_played) if s.last_played else "-",
                _clean(s.problem, 80) if s.problem else "-",
            )
        )
    widths = [max(len(row[i]) for row in [header, *body]) for i in range(len(header))]
    lines = []
    for row in [header, *body]:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=True)]
        cells[3] = row[3].rjust(widths[3])
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)
