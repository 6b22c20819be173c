"""Fuzzing `Slot.load`: whatever state.json holds, it returns a valid state or a SaveError."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:  # the package is not installed in every environment
    sys.path.insert(0, str(REPO_ROOT))

from hypothesis import HealthCheck, event, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from game.core.saves import CURRENT_VERSION, SaveError, SaveState, SaveStore, Slot  # noqa: E402

FIXTURES = REPO_ROOT / "tests" / "fixtures" / "saves"
FUZZ = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.fixture(scope="module")
def slot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Slot]:
    store = SaveStore(tmp_path_factory.mktemp("fuzz") / "saves")
    with store.open_slot("fuzz") as opened:
        yield opened


def valid_v2() -> dict[str, Any]:
    state = SaveState.new("Ada", now=datetime(2025, 1, 2, tzinfo=timezone.utc))
    state.location.screen = "puzzle"
    state.location.puzzle = "act1.gelu"
    state.record_verdict("act1.gelu", True, {"chars": 10, "lines": 2, "time_ratio": 0.5})
    state.record_hint("act1.softmax", 1)
    state.set_cursor("act1.gelu", 2, 3)
    state.mark_scene_seen("act1.arrival")
    return state.model_dump(mode="json")


VALID_V2 = valid_v2()
VALID_V1 = json.loads((FIXTURES / "v1" / "state.json").read_text())

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(10**400), max_value=10**400)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20)
    | st.sampled_from(["2025-01-02T03:04:05Z", "2025-01-02", "puzzle", "cuda", "act1.gelu"])
)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=40,
)
versions = st.sampled_from([1, 2, 3, 0, -1, 10**30, True, "2", 2.0, None])


def check_load(slot: Slot, content: bytes) -> None:
    """The property: a valid current state, or a SaveError with a message; nothing else."""
    slot.state_path.write_bytes(content)
    listed = [s for s in slot.store.list_slots(total_puzzles=3) if s.name == slot.name]
    assert len(listed) == 1  # listing never fails either
    try:
        state = slot.load()
    except SaveError as exc:
        assert str(exc).strip(), f"{type(exc).__name__} without a message"
        event(type(exc).__name__)
        return
    event("loaded")
    assert isinstance(state, SaveState)
    assert state.version == CURRENT_VERSION
    # A state that loads can be saved and reloaded unchanged (the file is ours again).
    slot.save(state)
    again = slot.load()
    assert again.model_dump(exclude={"updated_at"}) == state.model_dump(exclude={"updated_at"})


def dump(value: Any) -> bytes:
    return json.dumps(value).encode()


@FUZZ
@given(content=st.binary(max_size=2048))
def test_random_bytes(slot: Slot, content: bytes) -> None:
    check_load(slot, content)


@FUZZ
@given(value=json_values)
def test_random_json(slot: Slot, value: Any) -> None:
    check_load(slot, dump(value))


@FUZZ
@given(
    version=versions,
    fields=st.dictionaries(
        st.sampled_from(
            [
                "apprentice",
                "name",
                "created_at",
                "updated_at",
                "location",
                "puzzles",
                "editor",
                "scenes_seen",
                "settings",
                "solved",
                "attempts",
                "device",
                "saved_at",
                "game_version",
            ]
        ),
        json_values,
        max_size=8,
    ),
)
def test_random_objects_with_plausible_keys(slot: Slot, version: Any, fields: dict) -> None:
    check_load(slot, dump({"version": version, **fields}))


def paths_of(value: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path (tuple of keys/indices) inside a JSON value, the root included."""
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += paths_of(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += paths_of(child, (*prefix, index))
    return found


def mutate(document: Any, path: tuple, action: str, new: Any, key: str) -> Any:
    document = json.loads(json.dumps(document))
    if not path:
        return new if action == "replace" else document
    parent = document
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    if action == "replace":
        parent[last] = new
    elif action == "delete":
        del parent[last]
    elif action == "add" and isinstance(parent[last], dict):
        parent[last][key] = new
    elif action == "add" and isinstance(parent[last], list):
        parent[last].append(new)
    return document


@FUZZ
@given(
    base=st.sampled_from([VALID_V2, VALID_V1]),
    data=st.data(),
    steps=st.integers(min_value=1, max_value=3),
)
def test_mutated_valid_states(slot: Slot, base: dict, data: st.DataObject, steps: int) -> None:
    document: Any = base
    for _ in range(steps):
        paths = paths_of(document)
        path = data.draw(st.sampled_from(paths))
        action = data.draw(st.sampled_from(["replace", "delete", "add"]))
        new = data.draw(json_values)
        key = data.draw(st.text(max_size=8))
        document = mutate(document, path, action, new, key)
    check_load(slot, dump(document))


@FUZZ
@given(
    base=st.sampled_from([VALID_V2, VALID_V1]),
    cut=st.just(1.0) | st.floats(min_value=0, max_value=1),
    flips=st.lists(st.tuples(st.floats(min_value=0, max_value=1), st.integers(0, 255)), max_size=3),
)
def test_truncated_and_bit_flipped_files(
    slot: Slot, base: dict, cut: float, flips: list[tuple[float, int]]
) -> None:
    raw = bytearray(json.dumps(base, indent=2).encode())
    for where, byte in flips:
        raw[int(where * (len(raw) - 1))] = byte
    check_load(slot, bytes(raw[: max(0, int(cut * len(raw)) + (cut == 1))]))


@FUZZ
@given(backup=st.binary(max_size=512) | json_values.map(dump), lock=st.binary(max_size=256))
def test_garbage_backup_and_lock_files(slot: Slot, backup: bytes, lock: bytes) -> None:
    """A damaged save with any backup: CorruptSave (with or without an offer); listing works."""
    other = slot.store.root / "other"
    other.mkdir(exist_ok=True)
    (other / ".lock").write_bytes(lock)
    (other / "state.json").write_bytes(b"{broken")
    (other / "state.json.bak").write_bytes(backup)
    summaries = {s.name: s for s in slot.store.list_slots(total_puzzles=3)}
    assert summaries["other"].problem  # damaged, whatever the backup and the lock say
    slot.backup_path.write_bytes(backup)
    check_load(slot, b"{broken")
    slot.backup_path.unlink()
