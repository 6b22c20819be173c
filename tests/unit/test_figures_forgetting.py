"""act1.forgetting's figures, through the real judge and `verify`: the judge's own curves of a run
with and without replay, the accuracy it measured of the player's final labels, and the held-out
points coloured by those labels; `--json` carries them and the text verdict draws them."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FORGETTING = ROOT / "puzzles" / "act1" / "forgetting"


def verify(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "game", "verify", "act1.forgetting", *args],
                          cwd=ROOT, capture_output=True, text=True, stdin=subprocess.DEVNULL,
                          timeout=300)


def test_verify_json_carries_the_training_curves_and_what_was_measured():
    proc = verify(str(FORGETTING / "solution.py"), "--json", "--seed", "3")
    assert proc.returncode == 0, proc.stderr
    figures = json.loads(proc.stdout)["figures"]
    assert [f["kind"] for f in figures] == ["series", "series", "scatter"]
    accuracy, loss, labels = figures
    assert accuracy["x"][0] == 0 and accuracy["x"][-1] == 200
    professor, plain = "Professor's replay: task", "plain fine-tuning: task A"
    assert set(accuracy["lines"]) == {f"{professor} A", f"{professor} B", plain}
    # The judge's own runs tell the story: without replay task A is forgotten, with it kept.
    assert accuracy["lines"]["plain fine-tuning: task A"][0] > 0.9
    assert accuracy["lines"]["plain fine-tuning: task A"][-1] < 0.5
    assert accuracy["lines"]["Professor's replay: task A"][-1] > 0.8
    assert accuracy["lines"]["Professor's replay: task B"][-1] > 0.8
    assert loss["lines"][plain][-1] > loss["lines"][f"{professor} A"][-1]
    # The player's final model, as measured by the judge from its labels.
    marks = accuracy["marks"]
    assert marks["yours, final: task A"] >= 0.8 and marks["yours, final: task B"] >= 0.8
    assert sum(len(points) for points in labels["groups"].values()) == 200


def test_a_forgetful_answer_is_drawn_forgetting():
    """The plain fine-tune mutant, as `verify` prints it: the judge's curves as sparklines and
    the accuracy measured of its labels on task A, low."""
    proc = verify(str(FORGETTING / "mutants" / "fine_tune.py"), "--quick", "--seed", "3")
    assert proc.returncode == 1
    assert "Held-out accuracy while learning task B" in proc.stdout
    assert "plain fine-tuning: task A" in proc.stdout
    assert any(ch in proc.stdout for ch in "▁▂▃▄▅▆▇█")
    measured = re.search(r"yours, final: task A\s+━+\s+([0-9.e-]+) \(measured once\)",
                         proc.stdout)
    assert measured is not None, proc.stdout
    assert float(measured.group(1)) < 0.5
    assert "Your labels for the held-out samples" in proc.stdout


def test_a_shape_mistake_still_gets_the_judges_curves_but_nothing_of_its_own():
    proc = verify(str(FORGETTING / "mutants" / "logits.py"), "--quick", "--json", "--seed", "3")
    assert proc.returncode == 1
    figures = json.loads(proc.stdout)["figures"]
    assert [f["kind"] for f in figures] == ["series", "series"]
    assert figures[0]["marks"] == {}
