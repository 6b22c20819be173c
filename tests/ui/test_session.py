"""The Session: the one interface between the screens and the save slots."""

from __future__ import annotations

from pathlib import Path

import pytest
from ui_helpers import DOUBLE, FIXTURE_CONTENT

from game.core.content import load_catalog
from game.core.result import Metrics, Result, Status
from game.core.saves import CorruptSave, NewerSaveVersion, SaveStore, SlotLocked
from game.ui.session import Session, slot_name_for


def session(root: Path) -> Session:
    return Session(SaveStore(root), load_catalog(FIXTURE_CONTENT))


@pytest.mark.parametrize(("name", "taken", "expected"), [
    ("Ada Lovelace", set(), "ada-lovelace"),
    ("Ada", {"ada"}, "ada-2"),
    ("Ada", {"ADA", "ada-2"}, "ada-3"),
    ("¿¡!", set(), "apprentice"),
    ("con", set(), "slot-con"),
])
def test_slot_names_come_from_the_apprentice(name: str, taken: set[str], expected: str) -> None:
    assert slot_name_for(name, taken) == expected


def test_a_new_game_saves_and_reopens(tmp_path: Path) -> None:
    first = session(tmp_path)
    first.settings.theme = "nord"  # chosen on the title, before any slot was open
    assert first.new_game("Ada") == "ada"
    assert first.settings.theme == "nord"
    first.go("puzzle", chapter="prologue", puzzle=DOUBLE)
    first.record_hint(DOUBLE, 2)
    passed = Result(puzzle=DOUBLE, status=Status.PASS, message="ok",
                    metrics=Metrics(lines=3, chars=5, time_ratio=1.5))
    first.record_verdict(passed.model_copy(update={"status": Status.WRONG_ANSWER}))
    first.record_verdict(passed)
    assert first.write_draft(DOUBLE, "draft text\n") is None
    first.set_cursor(DOUBLE, 4, 2)
    assert first.save() is None
    first.close()

    second = session(tmp_path)
    second.open("ada")
    assert second.state.apprentice == "Ada"
    assert second.location.screen == "puzzle" and second.location.puzzle == DOUBLE
    assert second.solved(DOUBLE) and second.attempts(DOUBLE) == 2
    assert second.hints_used(DOUBLE) == 2
    assert second.best(DOUBLE).chars == 5
    assert second.read_draft(DOUBLE) == "draft text\n"
    assert second.cursor(DOUBLE) == (4, 2)
    assert second.percent() == 50
    assert second.settings.theme == "nord"
    second.close()


def test_a_slot_open_elsewhere_is_refused(tmp_path: Path) -> None:
    first = session(tmp_path)
    first.new_game("Ada")
    with pytest.raises(SlotLocked):
        session(tmp_path).open("ada")
    first.close()


def test_a_damaged_slot_stays_open_for_the_repair(tmp_path: Path) -> None:
    first = session(tmp_path)
    first.new_game("Ada")
    first.mark_seen("prologue/transmission")
    first.save()
    first.save()  # the backup is the save before the last one
    first.close()
    (tmp_path / "ada" / "state.json").write_text("garbage")
    second = session(tmp_path)
    with pytest.raises(CorruptSave):
        second.open("ada")
    assert second.slot_name == "ada"
    second.restore_backup()
    assert "prologue/transmission" in second.state.scenes_seen
    second.close()


def test_a_newer_save_is_closed_again(tmp_path: Path) -> None:
    first = session(tmp_path)
    first.new_game("Ada")
    first.close()
    (tmp_path / "ada" / "state.json").write_text('{"version": 99}')
    second = session(tmp_path)
    with pytest.raises(NewerSaveVersion):
        second.open("ada")
    assert second.slot is None
    with SaveStore(tmp_path).open_slot("ada"):  # the lock was released
        pass


def test_without_a_slot_nothing_is_written(tmp_path: Path) -> None:
    idle = session(tmp_path)
    assert idle.save() is None
    assert idle.write_draft(DOUBLE, "x") is None
    assert idle.read_draft(DOUBLE) is None
    assert list(tmp_path.iterdir()) == []


def test_the_notebook_returns_where_the_player_was(tmp_path: Path) -> None:
    s = session(tmp_path)
    s.new_game("Ada")
    s.go("scene", chapter="prologue", scene="prologue/devices", page=1)
    s.open_notebook()
    assert s.location.screen == "notebook" and s.location.chapter == "prologue"
    s.close_notebook()
    assert (s.location.screen, s.location.scene, s.page) == ("scene", "prologue/devices", 1)
    s.close_notebook()  # a second close changes nothing
    assert s.location.screen == "scene"
    s.close()


def test_a_puzzle_never_opened_has_no_saved_cursor(tmp_path: Path) -> None:
    s = session(tmp_path)
    s.new_game("Ada")
    assert s.cursor(DOUBLE) is None
    s.set_cursor(DOUBLE, 0, 0)
    assert s.cursor(DOUBLE) == (0, 0)
    s.close()


def test_rename_and_delete_refuse_the_open_slot(tmp_path: Path) -> None:
    from game.core.saves import SaveError

    s = session(tmp_path)
    s.new_game("Bea")
    s.close()
    s.new_game("Ada")
    with pytest.raises(SaveError, match="open in the game"):
        s.rename_slot("ada", "ada2")
    with pytest.raises(SaveError, match="open in the game"):
        s.delete_slot("ada")
    s.rename_slot("bea", "bea2")
    assert s.peek("bea2") is not None and s.peek("bea2").apprentice == "Bea"
    assert s.peek("bea") is None
    s.delete_slot("bea2")
    assert s.peek("bea2") is None
    assert s.peek("ada") is s.state  # the open slot: what is in memory
    s.close()
