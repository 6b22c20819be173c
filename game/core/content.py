"""Loads chapters, scenes and puzzles from `story/` and `puzzles/` into validated models.

A malformed file never crashes the game: it becomes a `ContentError` naming the file and the
field, collected in `Catalog.problems`, and the rest of the content still loads.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from game.core.models import CHAPTER_IDS, ChapterSpec, PuzzleSpec, SceneMeta
from game.core.paths import content_dir

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

M = TypeVar("M", bound=BaseModel)


class ContentError(Exception):
    """A content file that cannot be used, with where and why."""

    def __init__(self, path: Path, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


def _validation_message(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "(top level)"
        parts.append(f"field `{loc}`: {err['msg']}")
    return "; ".join(parts)


def parse_model(path: Path, data: dict, model: type[M]) -> M:
    """Validate `data` read from `path`; errors name the file and field."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ContentError(path, _validation_message(exc)) from None


def read_toml(path: Path, model: type[M]) -> M:
    """Read and validate a TOML file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ContentError(path, "file is missing") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ContentError(path, f"not valid TOML: {exc}") from None
    return parse_model(path, data, model)


@dataclass(frozen=True)
class Scene:
    id: str
    chapter: str
    meta: SceneMeta
    pages: tuple[str, ...]
    path: Path

    @property
    def title(self) -> str:
        return self.meta.title


class _FromSpec:
    """`id` and `title` come from the validated spec."""

    spec: PuzzleSpec | ChapterSpec

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def title(self) -> str:
        return self.spec.title


@dataclass(frozen=True)
class Puzzle(_FromSpec):
    spec: PuzzleSpec
    path: Path
    brief: str

    @property
    def chapter(self) -> str:
        return self.spec.chapter

    def file(self, name: str) -> Path:
        return self.path / name

    @property
    def starter(self) -> str:
        return (self.path / "starter.py").read_text(encoding="utf-8")

    @property
    def solution(self) -> str:
        return (self.path / "solution.py").read_text(encoding="utf-8")


@dataclass(frozen=True)
class FlowItem:
    kind: str  # "scene" or "puzzle"
    id: str


@dataclass
class Chapter(_FromSpec):
    spec: ChapterSpec
    items: list[FlowItem]

    def puzzle_ids(self) -> list[str]:
        return [i.id for i in self.items if i.kind == "puzzle"]


@dataclass
class Catalog:
    """Everything the game can play, in story order."""

    chapters: list[Chapter] = field(default_factory=list)
    puzzles: dict[str, Puzzle] = field(default_factory=dict)
    scenes: dict[str, Scene] = field(default_factory=dict)
    problems: list[ContentError] = field(default_factory=list)

    def chapter(self, chapter_id: str) -> Chapter | None:
        return next((c for c in self.chapters if c.id == chapter_id), None)

    def puzzle(self, puzzle_id: str) -> Puzzle:
        try:
            return self.puzzles[puzzle_id]
        except KeyError:
            known = ", ".join(sorted(self.puzzles)) or "none"
            raise KeyError(f"unknown puzzle {puzzle_id!r} (known: {known})") from None

    def ordered_puzzles(self) -> list[Puzzle]:
        """Puzzles in story order; puzzles not placed in any chapter flow come last."""
        seen: list[str] = []
        for chapter in self.chapters:
            seen += [p for p in chapter.puzzle_ids() if p in self.puzzles]
        rest = sorted(set(self.puzzles) - set(seen))
        return [self.puzzles[p] for p in seen + rest]


def parse_scene(path: Path, chapter: str) -> Scene:
    """A scene file: `+++` TOML front matter `+++`, then Markdown pages split by `---` lines."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ContentError(path, f"cannot be read: {exc}") from None
    lines = text.splitlines()
    if not lines or lines[0].strip() != "+++":
        raise ContentError(path, "must start with TOML front matter between `+++` lines")
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "+++")
    except StopIteration:
        raise ContentError(path, "front matter is not closed by a `+++` line") from None
    try:
        data = tomllib.loads("\n".join(lines[1:end]))
    except tomllib.TOMLDecodeError as exc:
        raise ContentError(path, f"front matter is not valid TOML: {exc}") from None
    meta = parse_model(path, data, SceneMeta)
    pages: list[str] = []
    current: list[str] = []
    for line in lines[end + 1:]:
        if line.strip() == "---":
            pages.append("\n".join(current).strip())
            current = []
        else:
            current.append(line)
    pages.append("\n".join(current).strip())
    pages = [p for p in pages if p]
    if not pages:
        raise ContentError(path, "the scene has no text")
    return Scene(f"{chapter}/{path.stem}", chapter, meta, tuple(pages), path)


def load_puzzle(folder: Path) -> Puzzle:
    """One puzzle folder; every file the format requires must be there."""
    spec = read_toml(folder / "puzzle.toml", PuzzleSpec)
    expected = f"{folder.parent.name}.{folder.name}"
    if spec.id != expected:
        raise ContentError(folder / "puzzle.toml",
                           f"field `id`: is {spec.id!r} but the folder says {expected!r}")
    for name in ("brief.md", "starter.py", "solution.py", "check.py"):
        if not (folder / name).is_file():
            raise ContentError(folder / name, "file is missing")
    for mutant in spec.mutants:
        if not (folder / "mutants" / mutant.file).is_file():
            raise ContentError(folder / "puzzle.toml",
                               f"field `mutants`: mutants/{mutant.file} does not exist")
    brief = (folder / "brief.md").read_text(encoding="utf-8")
    return Puzzle(spec, folder, brief)


def load_catalog(root: Path | None = None) -> Catalog:
    """Load all content under `root` (the content folder by default)."""
    root = root or content_dir()
    catalog = Catalog()
    for folder in sorted((root / "puzzles").glob("*/*")):
        if not folder.is_dir() or folder.name.startswith((".", "_")):
            continue
        try:
            puzzle = load_puzzle(folder)
        except ContentError as exc:
            catalog.problems.append(exc)
            continue
        catalog.puzzles[puzzle.id] = puzzle
    chapters = []
    for folder in sorted((root / "story").glob("*")):
        if not (folder / "chapter.toml").is_file():
            continue
        try:
            spec = read_toml(folder / "chapter.toml", ChapterSpec)
        except ContentError as exc:
            catalog.problems.append(exc)
            continue
        items = []
        for entry in spec.flow:
            if "." in entry:
                if entry not in catalog.puzzles:
                    catalog.problems.append(ContentError(
                        folder / "chapter.toml", f"field `flow`: no puzzle {entry!r}"))
                    continue
                items.append(FlowItem("puzzle", entry))
            else:
                path = folder / f"{entry}.md"
                try:
                    scene = parse_scene(path, spec.id)
                except ContentError as exc:
                    catalog.problems.append(exc)
                    continue
                catalog.scenes[scene.id] = scene
                items.append(FlowItem("scene", scene.id))
        chapters.append(Chapter(spec, items))
    chapters.sort(key=lambda c: (c.spec.order, CHAPTER_IDS.index(c.id)))
    catalog.chapters = chapters
    return catalog
