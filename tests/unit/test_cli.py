"""The headless command line: exit codes, JSON on stdout only, friendly errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GELU = ROOT / "puzzles" / "act1" / "gelu"


def game(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "game", *args], cwd=cwd, capture_output=True,
                          text=True, stdin=subprocess.DEVNULL, timeout=120)


def test_verify_pass_is_exit_0_with_one_json_document():
    proc = game("verify", "act1.gelu", str(GELU / "solution.py"), "--json")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["version"] == 1 and result["status"] == "pass"
    assert result["puzzle"] == "act1.gelu" and result["device"] == "cpu"
    assert {"tests", "constraints", "metrics", "duration_ms", "message"} <= set(result)


def test_verify_wrong_is_exit_1_and_names_the_mismatch(tmp_path):
    proc = game("verify", "act1.gelu", str(GELU / "mutants" / "float64_output.py"), "--json")
    assert proc.returncode == 1
    result = json.loads(proc.stdout)
    assert result["status"] == "wrong_answer"
    assert "dtype float64 but expected float32" in result["message"]


def test_verify_rule_break_names_line_and_column():
    proc = game("verify", "act1.gelu", str(GELU / "mutants" / "uses_f_gelu.py"), "--json")
    assert proc.returncode == 1
    result = json.loads(proc.stdout)
    assert result["status"] == "constraint_violation"
    failing = [c for c in result["constraints"] if c["status"] == "fail"]
    assert failing[0]["line"] == 5 and failing[0]["col"] == 12


def test_usage_errors_are_exit_2(tmp_path):
    assert game("verify", "act1.nope", str(GELU / "solution.py")).returncode == 2
    missing = game("verify", "act1.gelu", str(tmp_path / "missing.py"))
    assert missing.returncode == 2 and "cannot read" in missing.stderr
    assert game("verify").returncode == 2
    assert game("hint", "act1.nope").returncode == 2


def test_list_json_names_entry_points():
    proc = game("list", "--json")
    assert proc.returncode == 0
    data = json.loads(proc.stdout)
    gelu = next(p for p in data["puzzles"] if p["id"] == "act1.gelu")
    assert gelu["entry"] == "gelu" and gelu["chapter"] == "act1"
    assert gelu["status"] in ("open", "locked", "solved")


def test_list_table_never_cuts_an_id_in_a_narrow_terminal():
    import os

    env = {**os.environ, "COLUMNS": "80"}
    proc = subprocess.run([sys.executable, "-m", "game", "list"], cwd=ROOT, capture_output=True,
                          text=True, stdin=subprocess.DEVNULL, timeout=120, env=env)
    ids = json.loads(game("list", "--json").stdout)["puzzles"]
    assert proc.returncode == 0 and max(map(len, proc.stdout.splitlines())) <= 80
    for puzzle in ids:
        assert f" {puzzle['id']} " in proc.stdout, puzzle["id"]


def test_hint_levels():
    one = game("hint", "act1.gelu")
    three = game("hint", "act1.gelu", "--level", "3")
    assert one.returncode == three.returncode == 0
    assert "duck" in one.stdout.lower() and "erf" in three.stdout


def test_help_reads_like_a_tool():
    proc = game("--help")
    assert proc.returncode == 0
    for word in ("verify", "list", "hint", "saves", "author", "examples:"):
        assert word in proc.stdout


def game_in(saves: Path, *args: str) -> subprocess.CompletedProcess[str]:
    import os

    env = {**os.environ, "TORCHENSTEIN_SAVES": str(saves)}
    return subprocess.run([sys.executable, "-m", "game", *args], cwd=ROOT, capture_output=True,
                          text=True, stdin=subprocess.DEVNULL, timeout=300, env=env)


def test_verify_records_on_the_named_slot_and_list_reads_it(tmp_path):
    saves = tmp_path / "saves"
    proc = game_in(saves, "verify", "act1.gelu", str(GELU / "solution.py"), "--json",
                   "--slot", "cli")
    assert proc.returncode == 0 and json.loads(proc.stdout)["status"] == "pass"
    assert "recorded on slot 'cli'" in proc.stderr and "solved" in proc.stderr
    state = json.loads((saves / "cli" / "state.json").read_text())
    assert state["puzzles"]["act1.gelu"]["solved"] is True
    assert state["puzzles"]["act1.gelu"]["attempts"] == 1
    # No --slot: the last played slot, named on the first line; the pass shows.
    listed = game_in(saves, "list")
    assert listed.stdout.splitlines()[0] == "Progress of slot 'cli' (the last played)."
    data = json.loads(game_in(saves, "list", "--json").stdout)
    assert data["slot"] == "cli"
    assert next(p for p in data["puzzles"] if p["id"] == "act1.gelu")["status"] == "solved"
    # A quick check is never recorded.
    game_in(saves, "verify", "act1.gelu", str(GELU / "solution.py"), "--quick")
    state = json.loads((saves / "cli" / "state.json").read_text())
    assert state["puzzles"]["act1.gelu"]["attempts"] == 1


def test_verify_leaves_a_slot_open_in_the_game_alone(tmp_path):
    from game.core.saves import SaveStore

    saves = tmp_path / "saves"
    store = SaveStore(saves)
    playing = store.open_slot("tester")  # as the running game holds it
    try:
        proc = game_in(saves, "verify", "act1.gelu", str(GELU / "solution.py"), "--json")
        assert proc.returncode == 0
        assert "not recorded: slot 'tester' is open in the game" in proc.stderr
        listed = game_in(saves, "list")
        assert "slot 'tester'" in listed.stdout.splitlines()[0]  # the game's slot, not another
    finally:
        playing.close()


def test_list_help_describes_what_list_prints():
    proc = game("list", "--help")
    assert proc.returncode == 0
    text = " ".join(proc.stdout.split())
    assert "one table per chapter: id, title, status, entry point" in text
    table = game("list").stdout
    assert "Act I — The Ivory Tower" in table
    for column in ("id", "title", "status", "entry"):
        assert f" {column} " in table
