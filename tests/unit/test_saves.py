"""Save slots: round trips, atomic writes, damage, versions, migration, locks and listings."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:  # the package is not installed in every environment
    sys.path.insert(0, str(REPO_ROOT))

from game.core import saves  # noqa: E402
from game.core.saves import (  # noqa: E402
    CURRENT_VERSION,
    MIGRATIONS,
    BestMetrics,
    CorruptSave,
    InvalidPuzzleId,
    InvalidSlotName,
    NewerSaveVersion,
    SaveError,
    SaveState,
    SaveStore,
    SlotExists,
    SlotLocked,
    SlotNotFound,
    format_slot_table,
    last_played_slot,
    migrate,
    migrate_v1_to_v2,
    parse_save,
    validate_puzzle_id,
    validate_slot_name,
)

FIXTURES = REPO_ROOT / "tests" / "fixtures" / "saves"
WORKER = Path(__file__).resolve().parent / "saves_helpers" / "slot_worker.py"
UTC = timezone.utc


# ------------------------------------------------------------------------------------------
# helpers
# ------------------------------------------------------------------------------------------


@pytest.fixture
def store(tmp_path: Path) -> SaveStore:
    return SaveStore(tmp_path / "saves")


def install_fixture(store: SaveStore, fixture: str, slot: str) -> Path:
    """Copy a fixture slot folder into the store."""
    target = store.root / slot
    shutil.copytree(FIXTURES / fixture, target)
    return target


def rich_state() -> SaveState:
    state = SaveState.new("Ada", now=datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC))
    state.location.screen = "puzzle"
    state.location.chapter = "act1"
    state.location.scene = "act1.arrival"
    state.location.puzzle = "act1.gelu"
    state.record_verdict("act1.gelu", False)
    state.record_verdict("act1.gelu", True, {"chars": 50, "lines": 3, "time_ratio": 1.5})
    state.record_hint("act1.softmax", 2)
    state.set_cursor("act1.gelu", 12, 34)
    state.mark_scene_seen("act1.arrival")
    state.settings.device = "cpu"
    state.settings.theme = "monokai"
    state.settings.reduced_motion = True
    return state


def comparable(state: SaveState) -> dict:
    data = state.model_dump(mode="json")
    data.pop("updated_at")
    data.pop("game_version")
    return data


def snapshot(root: Path) -> dict[str, tuple]:
    """Every path under root with its kind, mtime, size and content hash."""
    seen: dict[str, tuple] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames:
            path = Path(dirpath, name)
            seen[str(path.relative_to(root))] = ("dir", path.stat().st_mtime_ns)
        for name in filenames:
            path = Path(dirpath, name)
            info = path.stat()
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            seen[str(path.relative_to(root))] = ("file", info.st_mtime_ns, info.st_size, digest)
    seen["."] = ("dir", root.stat().st_mtime_ns)
    return seen


def spawn(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WORKER), *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def first_line(proc: subprocess.Popen[str]) -> str:
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    if not line:
        proc.wait(10)
        raise AssertionError(f"worker said nothing; stderr:\n{proc.stderr.read()}")
    return line


def finish(proc: subprocess.Popen[str]) -> None:
    try:
        proc.communicate("bye\n", timeout=10)
    except subprocess.TimeoutExpired:  # pragma: no cover
        proc.kill()
        proc.communicate()


def dead_pid() -> int:
    """The pid of a process that has exited (and been reaped)."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


# ------------------------------------------------------------------------------------------
# model helpers
# ------------------------------------------------------------------------------------------


def test_record_verdict_counts_attempts_and_keeps_the_best() -> None:
    state = SaveState.new("Ada")
    first = state.record_verdict("act1.gelu", False, {"chars": 1, "lines": 1, "time_ratio": 0.1})
    assert (first.attempts, first.solved, first.solved_at) == (1, False, None)
    assert first.best == BestMetrics()  # failing runs never count as a best
    when = datetime(2025, 5, 5, tzinfo=UTC)
    state.record_verdict("act1.gelu", True, {"chars": 80, "lines": 4, "time_ratio": 2.0}, when=when)
    state.record_verdict("act1.gelu", True, BestMetrics(chars=60, lines=5, time_ratio=None))
    record = state.record_verdict("act1.gelu", True, {"chars": 90, "time_ratio": 1.25})
    assert record.attempts == 4
    assert record.solved and record.solved_at == when  # the first solve time stays
    assert record.best == BestMetrics(chars=60, lines=4, time_ratio=1.25)
    assert state.solved_ids() == {"act1.gelu"}
    assert state.is_solved("act1.gelu") and not state.is_solved("act1.other")
    assert state.percent_complete(4) == 25
    assert state.percent_complete(0) == 0


def test_record_hint_keeps_the_highest_tier() -> None:
    state = SaveState.new("Ada")
    state.record_hint("act1.gelu", 2)
    state.record_hint("act1.gelu", 1)
    assert state.puzzles["act1.gelu"].hints_used == 2
    assert state.puzzles["act1.gelu"].attempts == 0


def test_models_validate_assignments() -> None:
    state = SaveState.new("Ada")
    with pytest.raises(ValueError):
        state.location.screen = "nowhere"
    with pytest.raises(ValueError):
        state.settings.device = "tpu"
    with pytest.raises(ValueError):
        state.set_cursor("act1.gelu", -1, 0)
    with pytest.raises(ValueError):
        state.record_verdict("act1.gelu", True, {"time_ratio": float("inf")})


# ------------------------------------------------------------------------------------------
# round trip and atomic writes
# ------------------------------------------------------------------------------------------


def test_new_slot_loads_a_fresh_state(store: SaveStore) -> None:
    with store.open_slot("fresh") as slot:
        state = slot.load()
    assert state.version == CURRENT_VERSION
    assert state.apprentice == "fresh"
    assert state.puzzles == {} and state.location.screen == "title"
    assert state.created_at.tzinfo is not None
    assert not (store.root / "fresh" / "state.json").exists()  # loading writes nothing


def test_round_trip(store: SaveStore) -> None:
    state = rich_state()
    with store.open_slot("main") as slot:
        slot.save(state)
    with SaveStore(store.root).open_slot("main", create=False) as slot:
        loaded = slot.load()
    assert comparable(loaded) == comparable(state)
    assert loaded.updated_at == state.updated_at
    assert loaded.game_version == saves.GAME_VERSION


def test_save_sets_updated_at_and_keeps_created_at(store: SaveStore) -> None:
    state = rich_state()
    before = datetime.now(UTC)
    with store.open_slot("main") as slot:
        slot.save(state)
        loaded = slot.load()
    assert state.updated_at >= before
    assert loaded.created_at == datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert loaded.updated_at == state.updated_at


def test_non_ascii_and_odd_strings_round_trip(store: SaveStore) -> None:
    state = SaveState.new("Zoë \u2603 \ud800 \x1b[31m")  # lone surrogate, escape sequence
    state.mark_scene_seen("act1.\u00e9t\u00e9")
    with store.open_slot("main") as slot:
        slot.save(state)
        assert comparable(slot.load()) == comparable(state)


def test_atomic_save_keeps_previous_file_as_bak(store: SaveStore) -> None:
    with store.open_slot("main") as slot:
        first = rich_state()
        slot.save(first)
        assert not slot.backup_path.exists()
        first_bytes = slot.state_path.read_bytes()
        second = slot.load()
        second.record_verdict("act1.softmax", True)
        slot.save(second)
        assert slot.backup_path.read_bytes() == first_bytes
        assert slot.load().is_solved("act1.softmax")
        assert not parse_save(slot.backup_path.read_bytes()).is_solved("act1.softmax")
        leftovers = [p.name for p in slot.path.iterdir() if p.name.endswith(".tmp")]
        assert leftovers == []


def test_failed_save_leaves_the_previous_file(store: SaveStore, monkeypatch) -> None:
    with store.open_slot("main") as slot:
        slot.save(rich_state())
        before = slot.state_path.read_bytes()

        def broken_replace(src, dst):
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(saves.os, "replace", broken_replace)
        with pytest.raises(SaveError, match="No space left"):
            slot.save(SaveState.new("other"))
        monkeypatch.undo()
        assert slot.state_path.read_bytes() == before
        assert [p.name for p in slot.path.iterdir() if p.name.endswith(".tmp")] == []


def test_save_refuses_a_state_that_would_not_load(store: SaveStore) -> None:
    state = rich_state()
    broken = state.model_copy(update={"settings": state.settings.model_copy()})
    object.__setattr__(broken.settings, "device", "tpu")  # bypass validation
    with store.open_slot("main") as slot:
        slot.save(state)
        before = slot.state_path.read_bytes()
        with pytest.raises(SaveError, match="refusing to write"):
            slot.save(broken)
        assert slot.state_path.read_bytes() == before


# ------------------------------------------------------------------------------------------
# damaged saves
# ------------------------------------------------------------------------------------------


def damaged_slot(store: SaveStore, *, with_backup: bool) -> tuple[bytes, bytes | None]:
    with store.open_slot("hero") as slot:
        slot.save(rich_state())
        if with_backup:
            slot.save(rich_state())
        good = slot.backup_path.read_bytes() if with_backup else None
        broken = slot.state_path.read_bytes()[:57]
        slot.state_path.write_bytes(broken)
    return broken, good


def test_corrupt_save_names_the_slot_and_offers_the_backup(store: SaveStore) -> None:
    broken, _ = damaged_slot(store, with_backup=True)
    with store.open_slot("hero") as slot:
        with pytest.raises(CorruptSave) as info:
            slot.load()
        message = str(info.value)
        assert "'hero'" in message
        assert "not valid JSON" in message
        assert "backup" in message and "restore" in message
        assert "1 puzzle solved" in message
        assert info.value.backup is not None and info.value.slot == "hero"
        # nothing moved, nothing written
        assert slot.state_path.read_bytes() == broken
        assert sorted(p.name for p in slot.path.iterdir()) == [
            ".lock",
            "state.json",
            "state.json.bak",
        ]


def test_corrupt_save_without_backup_offers_a_fresh_start(store: SaveStore) -> None:
    broken, _ = damaged_slot(store, with_backup=False)
    with store.open_slot("hero") as slot:
        with pytest.raises(CorruptSave) as info:
            slot.load()
        assert info.value.backup is None
        assert "no usable backup" in str(info.value)
        with pytest.raises(SaveError, match="no backup"):
            slot.restore_backup()
        state = slot.start_fresh("Ada")
        assert state.apprentice == "Ada" and slot.load().apprentice == "Ada"
        assert slot.set_aside is not None and slot.set_aside.read_bytes() == broken
        assert slot.set_aside.name.startswith("state.json.broken-")


def test_corrupt_save_is_never_overwritten_by_save(store: SaveStore) -> None:
    broken, _ = damaged_slot(store, with_backup=True)
    with store.open_slot("hero") as slot:
        with pytest.raises(CorruptSave, match="Nothing was written"):
            slot.save(SaveState.new("someone"))
        assert slot.state_path.read_bytes() == broken


def test_restore_backup_keeps_the_broken_file_aside(store: SaveStore) -> None:
    broken, good = damaged_slot(store, with_backup=True)
    with store.open_slot("hero") as slot:
        with pytest.raises(CorruptSave):
            slot.load()
        restored = slot.restore_backup()
        assert restored.is_solved("act1.gelu")
        assert slot.state_path.read_bytes() == good
        assert slot.backup_path.read_bytes() == good  # the backup itself stays
        aside = [p for p in slot.path.iterdir() if p.name.startswith("state.json.broken-")]
        assert len(aside) == 1 and aside[0].read_bytes() == broken
        assert slot.set_aside == aside[0]
        assert comparable(slot.load()) == comparable(restored)
        slot.save(restored)  # and play goes on
        with pytest.raises(SaveError, match="nothing to restore"):
            slot.restore_backup()  # a readable save is not replaced


def test_a_second_restore_does_not_overwrite_the_first_broken_file(store: SaveStore) -> None:
    damaged_slot(store, with_backup=True)
    with store.open_slot("hero") as slot:
        slot.restore_backup()
        slot.state_path.write_bytes(b"garbage one")
        slot.restore_backup()
        slot.state_path.write_bytes(b"garbage two")
        slot.restore_backup()
        aside = sorted(
            p.read_bytes() for p in slot.path.iterdir() if p.name.startswith("state.json.broken-")
        )
    assert len(aside) == 3 and b"garbage one" in aside and b"garbage two" in aside


def test_restore_fails_cleanly_when_the_backup_is_damaged_too(store: SaveStore) -> None:
    broken, _ = damaged_slot(store, with_backup=True)
    with store.open_slot("hero") as slot:
        slot.backup_path.write_bytes(b"\xff\xfe nope")
        with pytest.raises(CorruptSave) as info:
            slot.load()
        assert info.value.backup is None  # a damaged backup is not offered
        with pytest.raises(CorruptSave, match="UTF-8"):
            slot.restore_backup()
        assert slot.state_path.read_bytes() == broken


def test_missing_state_with_a_backup_offers_the_backup(store: SaveStore) -> None:
    with store.open_slot("hero") as slot:
        slot.save(rich_state())
        slot.save(rich_state())
        slot.state_path.unlink()
        with pytest.raises(CorruptSave, match="missing") as info:
            slot.load()
        assert info.value.backup is not None
        assert slot.restore_backup().apprentice == "Ada"


def test_start_fresh_refuses_to_drop_a_good_save(store: SaveStore) -> None:
    with store.open_slot("hero") as slot:
        slot.save(rich_state())
        with pytest.raises(SaveError, match="is fine"):
            slot.start_fresh()
        assert slot.load().apprentice == "Ada"


def test_corrupt_fixture_offers_its_backup(store: SaveStore) -> None:
    install_fixture(store, "corrupt-with-backup", "old")
    with store.open_slot("old") as slot:
        with pytest.raises(CorruptSave) as info:
            slot.load()
        assert info.value.backup is not None and info.value.backup.apprentice == "Ada"
        assert slot.restore_backup().location.puzzle == "act1.layernorm"


@pytest.mark.parametrize(
    ("content", "phrase"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b"\x00\x01\xff\xfe", "not UTF-8"),
        (b"{", "not valid JSON"),
        (b"[" * 100_000, "nested"),
        (b'{"version": 2, "x": ' + b"[" * 5000 + b"]" * 5000 + b"}", None),
        (b"9" * 5000, "too long"),
        (b'{"version": NaN}', "not finite"),
        (b'{"version": 2, "apprentice": "a", "puzzles": {"a.b": {"attempts": Infinity}}}', None),
        (b"null", "not an object"),
        (b"[1, 2]", "not an object"),
        (b'"state"', "not an object"),
        (b"{}", "no save-format version"),
        (b'{"version": true}', "not a valid version"),
        (b'{"version": "2"}', "not a valid version"),
        (b'{"version": 0}', "not a valid version"),
        (b'{"version": 2.0}', "not a valid version"),
        (b'{"version": 2}', "contents are wrong"),
        (b'{"version": 1}', "contents are wrong"),
        (b'{"version": 2, "apprentice": "a", "created_at": 1e999}', None),
        (json.dumps({"version": 2, "apprentice": "a", "created_at": 10**300}).encode(), None),
        ('\ufeff{"version": 2}'.encode("utf-16"), "not UTF-8"),
    ],
)
def test_nasty_contents_raise_corrupt_save(store: SaveStore, content: bytes, phrase) -> None:
    with store.open_slot("x") as slot:
        slot.state_path.write_bytes(content)
        with pytest.raises(CorruptSave) as info:
            slot.load()
    assert "'x'" in str(info.value)
    if phrase:
        assert phrase in str(info.value)


def test_huge_file_is_refused_without_reading_it_whole(store: SaveStore) -> None:
    with store.open_slot("x") as slot:
        with open(slot.state_path, "wb") as handle:
            handle.truncate(saves.MAX_SAVE_BYTES + 10)  # sparse
        with pytest.raises(CorruptSave, match="too large"):
            slot.load()


def test_bom_is_accepted(store: SaveStore) -> None:
    with store.open_slot("x") as slot:
        slot.save(rich_state())
        slot.state_path.write_bytes(b"\xef\xbb\xbf" + slot.state_path.read_bytes())
        assert slot.load().apprentice == "Ada"


def test_validation_messages_do_not_echo_control_characters(store: SaveStore) -> None:
    payload = {"version": 2, "apprentice": "a", "created_at": "x", "updated_at": "x"}
    payload["puzzles"] = {"\x1b[2J": {"attempts": -1}}
    with store.open_slot("x") as slot:
        slot.state_path.write_text(json.dumps(payload))
        with pytest.raises(CorruptSave) as info:
            slot.load()
    assert "\x1b" not in str(info.value)


# ------------------------------------------------------------------------------------------
# versions and migration
# ------------------------------------------------------------------------------------------


def test_newer_version_is_refused_and_never_overwritten(store: SaveStore) -> None:
    folder = install_fixture(store, "v3-newer", "future")
    original = (folder / "state.json").read_bytes()
    with store.open_slot("future") as slot:
        with pytest.raises(NewerSaveVersion) as info:
            slot.load()
        message = str(info.value)
        assert "'future'" in message and "v3" in message and f"v{CURRENT_VERSION}" in message
        assert "9.0.0" in message and "Update Torchenstein" in message
        assert info.value.found_version == 3 and info.value.supported_version == CURRENT_VERSION
        with pytest.raises(NewerSaveVersion):
            slot.save(SaveState.new("intruder"))
        with pytest.raises(NewerSaveVersion):
            slot.start_fresh()
        slot.backup_path.write_bytes((FIXTURES / "v2" / "state.json").read_bytes())
        with pytest.raises(NewerSaveVersion):
            slot.restore_backup()
    assert (folder / "state.json").read_bytes() == original
    assert not any(p.name.startswith("state.json.broken") for p in folder.iterdir())


def test_every_older_version_has_a_migration() -> None:
    assert sorted(MIGRATIONS) == list(range(1, CURRENT_VERSION))


def test_v1_fixture_migrates_field_by_field(store: SaveStore) -> None:
    install_fixture(store, "v1", "legacy")
    with store.open_slot("legacy") as slot:
        state = slot.load()
    saved_at = datetime(2024, 11, 2, 18, 30, tzinfo=UTC)
    assert state.version == 2
    assert state.game_version is None
    assert state.apprentice == "Ada"
    assert state.created_at == saved_at and state.updated_at == saved_at
    assert state.location.screen == "scene"
    assert state.location.chapter == "act1"
    assert state.location.scene == "act1.arrival"
    assert state.location.puzzle is None
    assert set(state.puzzles) == {"act1.gelu", "act1.softmax", "act1.layernorm"}
    gelu, softmax, layernorm = (
        state.puzzles[k] for k in ("act1.gelu", "act1.softmax", "act1.layernorm")
    )
    assert (gelu.attempts, gelu.solved, gelu.solved_at) == (3, True, None)
    assert (softmax.attempts, softmax.solved) == (1, True)  # solved means at least one attempt
    assert (layernorm.attempts, layernorm.solved) == (2, False)
    for record in (gelu, softmax, layernorm):
        assert record.hints_used == 0 and record.best == BestMetrics()
    assert state.editor == {}
    assert state.scenes_seen == []
    assert state.settings.device == "cpu"
    assert state.settings.theme == "textual-dark" and state.settings.reduced_motion is False
    assert state.solved_ids() == {"act1.gelu", "act1.softmax"}


def test_migration_edge_cases() -> None:
    minimal = migrate_v1_to_v2({"version": 1, "name": "Bo"})
    state = SaveState.model_validate(minimal)
    assert state.location.screen == "title" and state.puzzles == {}
    assert abs(state.created_at - datetime.now(UTC)) < timedelta(minutes=5)
    assert state.settings.device == "auto"

    chapter_only = SaveState.model_validate(
        migrate(
            {
                "version": 1,
                "name": "Bo",
                "chapter": "act2",
                "solved": ["act2.a", "act2.a"],
                "device": "quantum",
                "saved_at": "2024-01-01T12:00:00",  # naive: read as UTC
                "unknown": "ignored",
            }
        )
    )
    assert chapter_only.location.screen == "map"
    assert chapter_only.location.chapter == "act2"
    assert chapter_only.settings.device == "auto"
    assert chapter_only.created_at == datetime(2024, 1, 1, 12, tzinfo=UTC)
    assert list(chapter_only.puzzles) == ["act2.a"]
    assert chapter_only.puzzles["act2.a"].attempts == 1

    with pytest.raises(CorruptSave, match="contents are wrong"):
        parse_save(b'{"version": 1, "name": "Bo", "attempts": {"a.b": -3}}', slot="s")
    with pytest.raises(CorruptSave):
        parse_save(b'{"version": 1, "solved": "act1.gelu"}', slot="s")


def test_saving_a_migrated_slot_writes_v2_and_keeps_the_original(store: SaveStore) -> None:
    folder = install_fixture(store, "v1", "legacy")
    original = (folder / "state.json").read_bytes()
    with store.open_slot("legacy") as slot:
        state = slot.load()
        assert slot.state_path.read_bytes() == original  # loading alone writes nothing
        slot.save(state)
        assert json.loads(slot.state_path.read_text())["version"] == 2
        assert slot.backup_path.read_bytes() == original
        assert (folder / "state.json.v1").read_bytes() == original
        slot.save(state)
        assert (folder / "state.json.v1").read_bytes() == original
        assert json.loads(slot.backup_path.read_text())["version"] == 2


def test_v2_fixture_loads(store: SaveStore) -> None:
    install_fixture(store, "v2", "mid")
    with store.open_slot("mid") as slot:
        state = slot.load()
    assert state.location.puzzle == "act1.layernorm"
    assert state.cursor("act1.layernorm") == (4, 17)
    assert state.puzzles["act1.layernorm"].hints_used == 2
    assert state.settings.reduced_motion is True


# ------------------------------------------------------------------------------------------
# locks
# ------------------------------------------------------------------------------------------


def test_second_process_gets_slot_locked_naming_the_pid(store: SaveStore) -> None:
    holder = spawn("hold", str(store.root), "shared")
    try:
        line = first_line(holder)
        assert line == f"open {holder.pid}"
        with pytest.raises(SlotLocked) as info:
            store.open_slot("shared")
        message = str(info.value)
        assert "slot 'shared' is open in another Torchenstein process" in message
        assert f"(pid {holder.pid})" in message
        assert info.value.pid == holder.pid
        summary = store.list_slots()[0]
        assert summary.locked and f"pid {holder.pid}" in summary.problem
        with pytest.raises(SlotLocked):
            store.delete_slot("shared")
        with pytest.raises(SlotLocked):
            store.rename_slot("shared", "other")
    finally:
        finish(holder)
    assert holder.returncode == 0
    assert not (store.root / "shared" / ".lock").exists()  # a clean close removes the lock
    with store.open_slot("shared") as slot:
        assert slot.took_over is None


def test_other_process_is_refused_while_we_hold_the_slot(store: SaveStore) -> None:
    with store.open_slot("mine"):
        child = spawn("hold", str(store.root), "mine")
        line = first_line(child)
        child.wait(10)
        assert child.returncode == 2
        assert line.startswith("locked slot 'mine' is open in another Torchenstein process")
        assert f"(pid {os.getpid()})" in line


def test_same_process_cannot_open_a_slot_twice(store: SaveStore) -> None:
    with store.open_slot("mine"):
        with pytest.raises(SlotLocked, match="already open in this Torchenstein process"):
            store.open_slot("mine")
    store.open_slot("mine").close()


def test_stale_lock_of_an_exited_process_is_taken_over(store: SaveStore) -> None:
    crasher = spawn("crash", str(store.root), "stale")
    assert first_line(crasher) == f"open {crasher.pid}"
    crasher.wait(10)
    lock = store.root / "stale" / ".lock"
    assert json.loads(lock.read_text())["pid"] == crasher.pid  # left behind
    summary = store.list_slots()[0]
    assert not summary.locked and summary.problem is None  # its pid is dead
    with store.open_slot("stale") as slot:
        assert slot.took_over is not None and slot.took_over.pid == crasher.pid
        assert json.loads(lock.read_text())["pid"] == os.getpid()
    assert not lock.exists()


@pytest.mark.parametrize("content", ["dead-pid", b"", b"\xff garbage", b'{"pid": "x"}'])
def test_stale_or_garbage_lock_files_are_taken_over(store: SaveStore, content) -> None:
    folder = store.root / "stale"
    folder.mkdir(parents=True)
    if content == "dead-pid":
        content = json.dumps({"pid": dead_pid(), "host": saves._hostname()}).encode()
    (folder / ".lock").write_bytes(content)
    assert store.list_slots()[0].problem is None
    with store.open_slot("stale") as slot:
        slot.save(SaveState.new("Ada"))


def test_stale_lock_takeover_is_race_safe(store: SaveStore, tmp_path: Path) -> None:
    folder = store.root / "contested"
    folder.mkdir(parents=True)
    ghost = dead_pid()
    (folder / ".lock").write_text(json.dumps({"pid": ghost, "host": saves._hostname()}))
    gofile = tmp_path / "go"
    racers = [spawn("race", str(store.root), "contested", str(gofile)) for _ in range(6)]
    try:
        for racer in racers:
            assert first_line(racer) == "waiting"
        gofile.touch()
        outcomes = {racer.pid: first_line(racer) for racer in racers}
    finally:
        for racer in racers:
            finish(racer)
    winners = [pid for pid, line in outcomes.items() if line.startswith("open")]
    assert len(winners) == 1, outcomes
    for pid, line in outcomes.items():
        if pid != winners[0]:
            assert line.startswith("locked slot 'contested' is open in another"), line
            assert f"(pid {winners[0]})" in line, outcomes
    assert all(racer.returncode in (0, 2) for racer in racers)


def test_lock_is_exclusive_while_processes_open_and_close_in_a_loop(
    store: SaveStore, tmp_path: Path
) -> None:
    """Opening races closing (which removes .lock): never two holders at once."""
    marker = tmp_path / "holder"
    workers = [spawn("churn", str(store.root), "busy", str(marker), "1.0") for _ in range(4)]
    try:
        for worker in workers:
            assert first_line(worker) == "waiting"
        for worker in workers:
            worker.stdin.write("go\n")
            worker.stdin.flush()
        results = [first_line(worker).split() for worker in workers]
    finally:
        for worker in workers:
            finish(worker)
    assert all(result[0] == "churn" for result in results), results
    assert sum(int(result[2]) for result in results) == 0, results  # never two holders
    assert sum(int(result[1]) > 0 for result in results) >= 2, results  # real contention
    with store.open_slot("busy") as slot:
        assert slot.took_over is None  # every close removed its lock


def test_close_releases_the_lock(store: SaveStore) -> None:
    slot = store.open_slot("a")
    assert (slot.lock_path).exists()
    slot.close()
    slot.close()
    assert slot.closed and not slot.lock_path.exists()
    with pytest.raises(SaveError, match="closed"):
        slot.load()
    with pytest.raises(SaveError, match="closed"):
        slot.save(SaveState.new("x"))
    with pytest.raises(SaveError, match="closed"):
        slot.write_draft("act1.gelu", "x")


def test_open_missing_slot_without_create(store: SaveStore) -> None:
    with pytest.raises(SlotNotFound, match="no slot 'ghost'"):
        store.open_slot("ghost", create=False)
    assert not store.root.exists()


def test_opening_cleans_temp_files_left_by_a_crash(store: SaveStore) -> None:
    with store.open_slot("a") as slot:
        slot.save(rich_state())
        slot.write_draft("act1.gelu", "x")
    leftovers = [
        store.root / "a" / ".state.json.123.0badc0de.tmp",
        store.root / "a" / "workspace" / ".act1.gelu.py.77.12345678.tmp",
    ]
    keep = store.root / "a" / "notes.tmp"
    for path in [*leftovers, keep]:
        path.write_text("partial")
    store.list_slots()
    assert all(p.exists() for p in leftovers)  # listing touches nothing
    with store.open_slot("a"):
        assert not any(p.exists() for p in leftovers)
        assert keep.exists()


# ------------------------------------------------------------------------------------------
# listing
# ------------------------------------------------------------------------------------------


def test_listing_never_modifies_anything(store: SaveStore) -> None:
    with store.open_slot("good") as slot:
        state = rich_state()
        state.location.chapter = "act2"
        slot.save(state)
        slot.write_draft("act1.gelu", "y = 2\n")
    install_fixture(store, "v1", "legacy")
    install_fixture(store, "v3-newer", "future")
    install_fixture(store, "corrupt-with-backup", "broken")
    (store.root / "empty").mkdir()
    (store.root / "stale").mkdir()
    (store.root / "stale" / ".lock").write_text(json.dumps({"pid": dead_pid()}))
    (store.root / "not a slot").mkdir()
    (store.root / "loose-file.txt").write_text("hi")
    (store.root / "good" / ".state.json.1.abcdef12.tmp").write_text("partial")
    holder = spawn("hold", str(store.root), "busy")
    try:
        first_line(holder)
        time.sleep(0.01)
        before = snapshot(store.root)
        summaries = store.list_slots(total_puzzles=4)
        table = format_slot_table(summaries)
        recent = last_played_slot(store)
        after = snapshot(store.root)
    finally:
        finish(holder)
    assert after == before
    by_name = {s.name: s for s in summaries}
    assert set(by_name) == {"good", "legacy", "future", "broken", "empty", "stale", "busy"}
    good = by_name["good"]
    assert (good.apprentice, good.chapter, good.puzzle, good.solved, good.percent) == (
        "Ada",
        "act2",
        "act1.gelu",
        1,
        25,
    )
    assert good.problem is None and good.version == 2
    assert by_name["legacy"].version == 1 and by_name["legacy"].percent == 50
    assert by_name["legacy"].problem is None
    assert "newer Torchenstein" in by_name["future"].problem and by_name["future"].percent is None
    assert by_name["broken"].problem == "damaged save (a backup exists)"
    assert by_name["broken"].last_played is not None  # the file's mtime
    assert by_name["empty"].percent == 0 and by_name["empty"].problem is None
    assert by_name["stale"].problem is None and not by_name["stale"].locked
    assert by_name["busy"].locked and f"pid {holder.pid}" in by_name["busy"].problem
    assert summaries[0].name == "good"  # most recently played first
    assert recent == "good"
    for name in by_name:
        assert name in table


def test_listing_a_missing_folder_creates_nothing(tmp_path: Path) -> None:
    store = SaveStore(tmp_path / "nowhere")
    assert store.list_slots(10) == []
    assert last_played_slot(store) is None
    assert not (tmp_path / "nowhere").exists()


def test_last_played_slot_skips_slots_open_elsewhere(store: SaveStore) -> None:
    for name in ("old", "new"):
        with store.open_slot(name) as slot:
            slot.save(SaveState.new(name))
    # make "new" the most recent regardless of clock resolution
    for name, day in (("old", 1), ("new", 2)):
        path = store.root / name / "state.json"
        data = json.loads(path.read_text())
        data["updated_at"] = f"2030-01-0{day}T00:00:00Z"
        path.write_text(json.dumps(data))
    assert last_played_slot(store) == "new"
    holder = spawn("hold", str(store.root), "new")
    try:
        first_line(holder)
        assert last_played_slot(store) == "old"
    finally:
        finish(holder)


def test_format_slot_table() -> None:
    assert "No save slots" in format_slot_table([])
    row = saves.SlotSummary(
        name="main",
        apprentice="Ada\x1b[31m",
        chapter="act1",
        scene=None,
        puzzle="act1.gelu",
        solved=3,
        total=10,
        percent=30,
        last_played=datetime(2025, 1, 2, 3, 4, tzinfo=UTC),
        version=2,
        problem=None,
    )
    broken = saves.SlotSummary(
        "old", None, None, None, None, 0, 10, None, None, None, "damaged save (no backup)"
    )
    table = format_slot_table([row, broken])
    lines = table.splitlines()
    header = ["Slot", "Apprentice", "Chapter", "Done", "Last", "played", "Problem"]
    assert lines[0].split() == header
    assert "main" in lines[1] and "30%" in lines[1] and "act1" in lines[1]
    assert "2025-01-0" in lines[1]
    assert "\x1b" not in table
    assert "old" in lines[2] and "damaged save (no backup)" in lines[2]


# ------------------------------------------------------------------------------------------
# names, ids, drafts
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["a", "Main", "slot-2", "my_save", "A" * 40, "0"])
def test_valid_slot_names(name: str, store: SaveStore) -> None:
    assert validate_slot_name(name) == name
    store.open_slot(name).close()


@pytest.mark.parametrize(
    "name",
    ["", "a" * 41, "a b", "../x", "x/y", "x\\y", ".", "..", ".hidden", "é", "a\n", "con", "NUL", 3],
)
def test_invalid_slot_names(name, store: SaveStore) -> None:
    with pytest.raises(InvalidSlotName, match="1 to 40 letters|reserved"):
        validate_slot_name(name)
    with pytest.raises(InvalidSlotName):
        store.open_slot(name)
    assert not store.root.exists()


@pytest.mark.parametrize(
    "puzzle_id",
    [
        "../../etc/passwd",
        "act1/gelu",
        "act1.gelu/../../x",
        "Act1.gelu",
        "act1.gelu.py",
        "act1..gelu",
        ".gelu",
        "act1.",
        "act1gelu",
        "act1.gelu\n",
        "act1.gel u",
        "a" * 200 + ".b",
        "",
    ],
)
def test_invalid_puzzle_ids_cannot_escape(puzzle_id: str, store: SaveStore) -> None:
    with pytest.raises(InvalidPuzzleId, match="invalid puzzle id"):
        validate_puzzle_id(puzzle_id)
    with store.open_slot("a") as slot:
        for call in (slot.draft_path, slot.read_draft, slot.delete_draft):
            with pytest.raises(InvalidPuzzleId):
                call(puzzle_id)
        with pytest.raises(InvalidPuzzleId):
            slot.write_draft(puzzle_id, "x")
    assert sorted(p.name for p in store.root.rglob("*")) == ["a"]


def test_drafts_round_trip(store: SaveStore) -> None:
    with store.open_slot("a") as slot:
        assert slot.read_draft("act1.gelu") is None
        path = slot.write_draft("act1.gelu", "def gelu(x):\n    return x  # é\n")
        assert path == slot.workspace / "act1.gelu.py" == slot.draft_path("act1.gelu")
        assert path.resolve().parent == (store.root / "a" / "workspace").resolve()
        assert slot.read_draft("act1.gelu") == "def gelu(x):\n    return x  # é\n"
        slot.write_draft("act1.gelu", "v2\n")
        assert slot.read_draft("act1.gelu") == "v2\n"
        assert [p.name for p in slot.workspace.iterdir()] == ["act1.gelu.py"]
        # edited elsewhere: BOM, CRLF and stray bytes never break reading
        path.write_bytes(b"\xef\xbb\xbfa = 1\r\nb = '\xff'\r")
        assert slot.read_draft("act1.gelu") == "a = 1\nb = '\ufffd'\n"
        assert slot.delete_draft("act1.gelu") is True
        assert slot.delete_draft("act1.gelu") is False
        assert slot.read_draft("act1.gelu") is None


def test_resume_exactly_where_the_player_left(store: SaveStore) -> None:
    draft = "import torch\n\ndef gelu(x):\n    return 0.5 * x * (1 + torch.erf(x / 2**0.5))\n"
    with store.open_slot("resume") as slot:
        state = slot.load()
        state.location.screen = "puzzle"
        state.location.chapter = "act1"
        state.location.scene = "act1.arrival"
        state.location.puzzle = "act1.gelu"
        state.set_cursor("act1.gelu", 3, 41)
        state.set_cursor("act1.softmax", 0, 5)
        slot.write_draft("act1.gelu", draft)
        slot.save(state)
    with SaveStore(store.root).open_slot("resume", create=False) as slot:
        again = slot.load()
        assert again.location == state.location
        assert again.cursor("act1.gelu") == (3, 41)
        assert again.cursor("act1.softmax") == (0, 5)
        assert again.cursor("act1.unseen") == (0, 0)
        assert slot.read_draft(again.location.puzzle) == draft


# ------------------------------------------------------------------------------------------
# rename and delete
# ------------------------------------------------------------------------------------------


def test_rename_slot(store: SaveStore) -> None:
    with store.open_slot("before") as slot:
        slot.save(rich_state())
        slot.write_draft("act1.gelu", "x = 1\n")
    store.open_slot("taken").close()
    with pytest.raises(SlotExists):
        store.rename_slot("before", "taken")
    with pytest.raises(SlotNotFound):
        store.rename_slot("ghost", "other")
    with pytest.raises(InvalidSlotName):
        store.rename_slot("before", "../escape")
    store.rename_slot("before", "after")
    assert not (store.root / "before").exists()
    assert not (store.root / "after" / ".lock").exists()
    with store.open_slot("after", create=False) as slot:
        assert slot.load().apprentice == "Ada"
        assert slot.read_draft("act1.gelu") == "x = 1\n"
        with pytest.raises(SlotLocked):
            store.rename_slot("after", "again")  # open in this very process


def test_delete_slot(store: SaveStore) -> None:
    with store.open_slot("doomed") as slot:
        slot.save(rich_state())
        slot.write_draft("act1.gelu", "x")
    store.open_slot("kept").close()
    store.delete_slot("doomed")
    assert sorted(p.name for p in store.root.iterdir()) == ["kept"]
    with pytest.raises(SlotNotFound):
        store.delete_slot("doomed")


def test_delete_takes_over_a_stale_lock(store: SaveStore) -> None:
    folder = store.root / "doomed"
    folder.mkdir(parents=True)
    (folder / ".lock").write_text(json.dumps({"pid": dead_pid()}))
    store.delete_slot("doomed")
    assert list(store.root.iterdir()) == []


def test_every_error_is_a_save_error() -> None:
    for cls in (
        CorruptSave,
        NewerSaveVersion,
        SlotLocked,
        SlotNotFound,
        SlotExists,
        InvalidSlotName,
        InvalidPuzzleId,
    ):
        assert issubclass(cls, SaveError)
