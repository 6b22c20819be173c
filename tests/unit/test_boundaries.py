"""Import boundaries, checked in a fresh interpreter: core imports neither textual nor torch;
the engine's client (used by the UI) imports no torch; the engine never imports textual."""

from __future__ import annotations

import subprocess
import sys


def modules_after(imports: str) -> set[str]:
    code = f"import sys\n{imports}\nprint('\\n'.join(sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    return set(out.split())


def test_core_and_client_import_neither_torch_nor_textual():
    mods = modules_after("import game.core.content, game.core.progress, game.core.render, "
                         "game.core.saves, game.core.result, game.engine.client, game.cli")
    assert "torch" not in mods
    assert "textual" not in mods


def test_engine_never_imports_textual():
    mods = modules_after("import game.engine.judge, game.engine.service, game.engine.author")
    assert "torch" in mods
    assert "textual" not in mods
