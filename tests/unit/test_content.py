"""Malformed content gives errors that name the file and the field; the rest still loads."""

from __future__ import annotations

import shutil
from pathlib import Path

from game.core.content import load_catalog

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "content"


def copy_fixtures(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(FIXTURES, root)
    return root


def test_fixture_catalog_loads_cleanly():
    catalog = load_catalog(FIXTURES)
    assert not catalog.problems
    assert "act1.double" in catalog.puzzles


def test_bad_field_names_file_and_field(tmp_path):
    root = copy_fixtures(tmp_path)
    toml = root / "puzzles" / "act1" / "double" / "puzzle.toml"
    toml.write_text(toml.read_text().replace('entry = "double"', 'entry = "not an identifier"'))
    catalog = load_catalog(root)
    assert "act1.double" not in catalog.puzzles and "act1.total" in catalog.puzzles
    [problem] = catalog.problems
    assert problem.path == toml and "field `entry`" in problem.message


def test_invalid_toml_and_missing_files(tmp_path):
    root = copy_fixtures(tmp_path)
    (root / "puzzles" / "act1" / "double" / "puzzle.toml").write_text("id = [unclosed")
    (root / "puzzles" / "act1" / "total" / "solution.py").unlink()
    catalog = load_catalog(root)
    messages = sorted(str(p) for p in catalog.problems)
    assert any("not valid TOML" in m for m in messages)
    assert any("solution.py: file is missing" in m for m in messages)


def test_wrong_mutant_verdict_is_reported(tmp_path):
    root = copy_fixtures(tmp_path)
    toml = root / "puzzles" / "act1" / "total" / "puzzle.toml"
    toml.write_text(toml.read_text().replace('verdict = "wrong_answer"', 'verdict = "pass"'))
    catalog = load_catalog(root)
    assert any("mutants" in p.message for p in catalog.problems)


def test_a_puzzle_may_add_only_public_torch_modules_to_its_lockdown():
    import pytest
    from pydantic import ValidationError

    from game.core.models import Rules

    assert Rules(modules=["torch.distributed"]).modules == ["torch.distributed"]
    for bad in (["os"], ["torch._C"], ["torch"], ["torch.distributed._tensor"], ["torch.x y"]):
        with pytest.raises(ValidationError):
            Rules(modules=bad)


def test_a_memory_budget_is_refused_where_processes_are_declared(tmp_path):
    """The memory figures are the child's own: its workers' memory would go uncounted."""
    root = copy_fixtures(tmp_path)
    toml = root / "puzzles" / "act1" / "total" / "puzzle.toml"
    text = toml.read_text()
    assert "[limits]" in text and "[rules]" not in text
    toml.write_text(text.replace("[limits]", "[limits]\nmax_peak_mb = 8", 1)
                    + "\n[rules]\nprocesses = 2\n")
    catalog = load_catalog(root)
    assert any("cannot have a memory budget" in p.message for p in catalog.problems)
