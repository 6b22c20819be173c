"""The UI process never imports torch: importing the app, building it and importing every screen,
in a fresh interpreter, leaves torch (and numpy) out of `sys.modules`; of the engine it imports
only the client (no rules: the figures it shows are counted in `game.core`)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from ui_helpers import FIXTURE_CONTENT, REPO_ROOT

PROBE = """
import json, sys
from pathlib import Path
from game.ui.app import make_app
app = make_app(save_dir=Path(sys.argv[1]), content_dir=Path(sys.argv[2]))
import game.ui.commands, game.ui.session
from game.ui.screens import (dialogs, load, map, notebook, puzzle, scene, settings, solved,
                             title)
from game.ui.widgets import banner, editor, header, results
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("torch", "numpy"))
engine = sorted(m for m in sys.modules if m.startswith("game.engine."))
print(json.dumps({"heavy": heavy, "engine": engine, "judge": type(app.judge).__name__}))
"""


def test_the_ui_never_imports_torch(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-c", PROBE, str(tmp_path), str(FIXTURE_CONTENT)],
                          cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["judge"] == "JudgeClient"
    assert report["heavy"] == [], f"the UI imported {report['heavy'][:5]}"
    assert report["engine"] == ["game.engine.client"], report["engine"]
