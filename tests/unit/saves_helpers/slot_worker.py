"""Child process for the save-slot tests: holds, races for, or hammers a slot.

Usage: ``python slot_worker.py MODE SAVES_ROOT SLOT [ARG]``. Imports nothing heavier than
``game.core.saves`` (no torch), so it starts quickly. Modes:

- ``hold``: open the slot, print ``open <pid>``, wait for a line on stdin, close, exit 0.
- ``crash``: open the slot, print ``open <pid>``, then exit without releasing anything.
- ``race GOFILE``: print ``waiting``, spin until GOFILE exists, try to open the slot; print
  ``open <pid>`` and hold it until a line arrives on stdin, or print ``locked <message>``.
- ``churn MARKER SECONDS``: for SECONDS, open and close the slot as fast as possible; while
  holding it, create MARKER exclusively (proof that nobody else holds the slot) and remove it.
  Prints ``churn <held> <double>`` where double counts the times MARKER already existed.
- ``loop``: print ``ready``, wait for a line on stdin, then save two alternating states (and
  drafts) with an increasing counter until killed.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from game.core.saves import SaveStore, SlotLocked  # noqa: E402

COUNTER_PUZZLE = "kill.counter"
DRAFT_PUZZLE = "kill.draft"


def expected_fields(counter: int) -> dict[str, object]:
    """The fields that identify the state saved with ``counter`` (alternating by parity)."""
    even = counter % 2 == 0
    return {
        "apprentice": "alpha" if even else "beta",
        "screen": "map" if even else "puzzle",
        "scenes": [f"s{i}" for i in range(3 if even else 40)],
        "cursor": (counter % 1000, 7 if even else 11),
    }


def draft_text(counter: int) -> str:
    """The draft written just before the state with ``counter``."""
    filler = "a = 1\n" * (2 if counter % 2 == 0 else 300)
    return f"# draft {counter}\n{filler}# end {counter}\n"


def _say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def main(argv: list[str]) -> int:
    mode, root, name = argv[0], Path(argv[1]), argv[2]
    store = SaveStore(root)
    if mode in ("hold", "crash"):
        try:
            slot = store.open_slot(name)
        except SlotLocked as exc:
            _say(f"locked {exc}")
            return 2
        _say(f"open {os.getpid()}")
        if mode == "crash":
            os._exit(0)  # no close(): the .lock file stays behind with our pid
        sys.stdin.readline()
        slot.close()
        return 0
    if mode == "race":
        gofile = Path(argv[3])
        _say("waiting")
        while not gofile.exists():
            time.sleep(0.0005)
        try:
            slot = store.open_slot(name)
        except SlotLocked as exc:
            _say(f"locked {exc}")
            return 2
        _say(f"open {os.getpid()}")
        sys.stdin.readline()
        slot.close()
        return 0
    if mode == "churn":
        marker, seconds = Path(argv[3]), float(argv[4])
        held = double = 0
        _say("waiting")
        sys.stdin.readline()
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                slot = store.open_slot(name)
            except SlotLocked:
                continue
            try:
                fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            except FileExistsError:
                double += 1
            else:
                os.close(fd)
                time.sleep(0.0002)
                os.unlink(marker)
            held += 1
            slot.close()
        _say(f"churn {held} {double}")
        return 0
    if mode == "loop":
        _say("ready")
        if not sys.stdin.readline():
            return 0
        slot = store.open_slot(name)
        state = slot.load()
        counter = state.progress(COUNTER_PUZZLE).attempts
        while True:
            counter += 1
            fields = expected_fields(counter)
            slot.write_draft(DRAFT_PUZZLE, draft_text(counter))
            state.apprentice = fields["apprentice"]
            state.location.screen = fields["screen"]
            state.scenes_seen = list(fields["scenes"])
            state.progress(COUNTER_PUZZLE).attempts = counter
            state.set_cursor(COUNTER_PUZZLE, *fields["cursor"])
            slot.save(state)
    raise SystemExit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
