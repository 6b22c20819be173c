"""Text-level rules every chapter follows: one speaker format, hints that climb without giving
the answer away, and the game's own words where the course's were once borrowed."""

from __future__ import annotations

import ast
import re

import pytest

from game.core.content import load_catalog
from game.core.paths import content_dir

CATALOG = load_catalog()
ROOT = content_dir()
SCENE_FILES = sorted((ROOT / "story").glob("*/*.md"))
# A speaker line: **NAME:** then the words, optionally opening with a stage direction.
SPEAKER = re.compile(r"^\*\*([A-Z][A-Z .'\-]*):\*\* \S")
SPEAKER_LIKE = re.compile(r"^\*\*[A-Z][A-Z .'\-]*(\*\*|:)")


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("path", SCENE_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_speaker_line_has_one_format(path):
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if SPEAKER_LIKE.match(line):
            assert SPEAKER.match(line), (
                f"{path.name}:{number}: speaker lines read '**NAME:** *(direction)* words', "
                f"got {line[:60]!r}")


def _solution_lines(source: str, entry: str) -> list[str]:
    """The statements of the solution's own code (not imports, signatures or docstrings)."""
    tree = ast.parse(source)
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Return, ast.Assign, ast.AugAssign, ast.Expr)) and not (
                isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)):
            segment = ast.get_source_segment(source, node) or ""
            if len(_squash(segment)) >= 24:
                lines.append(segment)
    return lines


PUZZLES = sorted(CATALOG.puzzles.values(), key=lambda p: p.id)


@pytest.mark.parametrize("puzzle", PUZZLES, ids=lambda p: p.id)
def test_the_last_hint_leaves_the_key_step_to_the_player(puzzle):
    """Tier 3 may spell out steps, never all of them: at least one statement of the Professor's
    solution is left for the player to write."""
    hints = puzzle.spec.hints
    assert len({hints.duck, hints.idea, hints.almost}) == 3, "the three tiers must differ"
    assert "?" in hints.duck, "the duck's tier is a question"
    lines = _solution_lines(puzzle.solution, puzzle.spec.entry)
    for tier in ("idea", "almost"):
        text = _squash(getattr(hints, tier))
        given = [line for line in lines if _squash(line) in text]
        assert not lines or len(given) < len(lines), (
            f"the {tier!r} hint of {puzzle.id} spells out the whole solution")


def test_the_opening_is_the_games_own():
    borrowed = re.compile(r"is this channel secure", re.IGNORECASE)
    texts = [p.read_text(encoding="utf-8") for p in SCENE_FILES]
    texts += [p.read_text(encoding="utf-8") for p in (ROOT / "game").rglob("*.py")]
    assert not any(borrowed.search(t) for t in texts)


def test_no_quoted_phrase_is_repeated_within_a_scene():
    """A running joke is fine; the same quoted sentence three times in one scene is not."""
    for path in SCENE_FILES:
        quotes = re.findall(r"[\"“]([^\"”]{16,})[\"”]", path.read_text(encoding="utf-8"))
        repeated = {q for q in quotes if quotes.count(q) > 1}
        assert not repeated, f"{path.name} repeats {sorted(repeated)}"
