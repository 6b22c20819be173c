"""kill -9 during saves: the slot always loads (old or new state) and its lock is taken over."""

from __future__ import annotations

import importlib.util
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from collections import deque
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:  # the package is not installed in every environment
    sys.path.insert(0, str(REPO_ROOT))

from game.core.saves import SaveState, SaveStore, parse_save  # noqa: E402

WORKER = Path(__file__).resolve().parent / "saves_helpers" / "slot_worker.py"
_spec = importlib.util.spec_from_file_location("torchenstein_slot_worker", WORKER)
worker = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(worker)
COUNTER_PUZZLE, DRAFT_PUZZLE = worker.COUNTER_PUZZLE, worker.DRAFT_PUZZLE
draft_text, expected_fields = worker.draft_text, worker.expected_fields

ITERATIONS = int(os.environ.get("TORCHENSTEIN_KILL9_ITERATIONS", "200"))
PREWARMED = 3  # children importing ahead of time, so start-up overlaps with the kills
# Kills land after a random delay below a ceiling that adapts to the machine's speed: it grows
# while children die before saving anything and shrinks while they get saves done, so the kills
# keep landing in the middle of work on a fast idle machine and on a slow busy one alike.
FIRST_CEILING_S, MIN_CEILING_S, MAX_CEILING_S = 0.02, 0.005, 2.0
SLOT = "k9"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)"),
]


def spawn(root: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, str(WORKER), "loop", str(root), SLOT],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def check_state(state: SaveState, floor: int) -> int:
    """The state is one of the two alternating shapes, with a counter not below ``floor``."""
    record = state.puzzles.get(COUNTER_PUZZLE)
    counter = record.attempts if record else 0
    assert counter >= floor, f"the counter went back from {floor} to {counter}"
    if counter == 0:
        return 0
    fields = expected_fields(counter)
    assert state.apprentice == fields["apprentice"]
    assert state.location.screen == fields["screen"]
    assert state.scenes_seen == fields["scenes"]
    assert state.cursor(COUNTER_PUZZLE) == fields["cursor"]
    return counter


def check_draft(text: str | None, counter: int) -> None:
    """The draft is complete and belongs to the saved counter or to the one being written."""
    if text is None:
        assert counter == 0
        return
    found = re.match(r"# draft (\d+)\n", text)
    assert found, f"unexpected draft: {text[:60]!r}"
    number = int(found.group(1))
    assert number in (counter, counter + 1), (number, counter)
    assert text == draft_text(number)


def lock_pid(path: Path) -> int | None:
    try:
        return json.loads(path.read_text())["pid"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def test_kill9_during_saves_never_loses_the_slot(tmp_path: Path) -> None:
    root = tmp_path / "saves"
    store = SaveStore(root)
    folder = root / SLOT
    lock_path = folder / ".lock"
    rng = random.Random(os.environ.get("TORCHENSTEIN_KILL9_SEED", "torchenstein"))
    pool = deque(spawn(root) for _ in range(PREWARMED))
    floor = 0
    ceiling = FIRST_CEILING_S
    advanced = taken_over_by_parent = left_for_next_child = temp_files_seen = 0
    started = time.monotonic()
    try:
        for iteration in range(ITERATIONS):
            child = pool.popleft()
            pool.append(spawn(root))
            ready = child.stdout.readline()
            assert ready == b"ready\n", child.communicate()[1].decode(errors="replace")
            child.stdin.write(b"go\n")
            child.stdin.flush()
            time.sleep(rng.uniform(0, ceiling))
            child.send_signal(signal.SIGKILL)
            _, err = child.communicate(timeout=10)
            assert child.returncode == -signal.SIGKILL, (
                f"the child died on its own ({child.returncode}):\n{err.decode(errors='replace')}"
            )
            stale = lock_pid(lock_path)
            if folder.is_dir():
                temp_files_seen += sum(name.endswith(".tmp") for name in os.listdir(folder))
            backup = folder / "state.json.bak"
            if backup.exists():
                parse_save(backup.read_bytes(), slot=SLOT)  # the backup is always whole too

            if iteration % 2 == 0:
                # Open the slot here: the killed child's lock must be taken over as stale.
                with store.open_slot(SLOT) as slot:
                    if stale is not None:
                        assert slot.took_over is not None and slot.took_over.pid == stale
                        taken_over_by_parent += stale == child.pid
                    state = slot.load()
                    counter = check_state(state, floor)
                    check_draft(slot.read_draft(DRAFT_PUZZLE), counter)
                assert not lock_path.exists()
            else:
                # Read only, and leave the stale lock for the next child to take over.
                summary = store.list_slots(total_puzzles=1)[0]
                assert summary.problem is None and not summary.locked, summary
                state_file = folder / "state.json"
                if state_file.exists():
                    state = parse_save(state_file.read_bytes(), slot=SLOT)
                else:  # killed before its first save
                    state = SaveState.new(SLOT)
                counter = check_state(state, floor)
                left_for_next_child += stale == child.pid
            advanced += counter > floor
            if counter > floor:
                ceiling = max(MIN_CEILING_S, ceiling / 1.25)
            else:
                ceiling = min(MAX_CEILING_S, ceiling * 1.5)
            floor = counter
    finally:
        for child in pool:
            child.kill()
            child.communicate()
    elapsed = time.monotonic() - started

    with store.open_slot(SLOT) as slot:
        final = check_state(slot.load(), floor)
        leftovers = [p.name for p in [*folder.iterdir(), *slot.workspace.iterdir()]]
    assert final == floor
    assert not [name for name in leftovers if name.endswith(".tmp")]  # cleaned when opened
    assert not [name for name in leftovers if "broken" in name]  # nothing was ever damaged
    # The kills landed in the middle of work, not only before or after it.
    assert floor > 0 and advanced >= ITERATIONS // 10, (floor, advanced)
    assert taken_over_by_parent >= ITERATIONS // 20, taken_over_by_parent
    assert left_for_next_child >= ITERATIONS // 20, left_for_next_child
    print(
        f"\n{ITERATIONS} kills in {elapsed:.1f}s: counter {floor}, advanced {advanced} times,"
        f" stale locks taken over here {taken_over_by_parent}, by the next child"
        f" {left_for_next_child}, temp files left by kills {temp_files_seen},"
        f" last delay ceiling {ceiling * 1000:.0f} ms"
    )
