"""Which chapters and puzzles are locked, open or complete, from what the player has done."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from game.core.content import Catalog, Chapter, FlowItem

State = Literal["locked", "open", "complete"]


@dataclass(frozen=True)
class Progress:
    """What the player has done: solved puzzles and seen scenes."""

    solved: frozenset[str] = frozenset()
    seen: frozenset[str] = frozenset()

    @classmethod
    def of(cls, solved: Iterable[str] = (), seen: Iterable[str] = ()) -> Progress:
        return cls(frozenset(solved), frozenset(seen))


def chapter_complete(chapter: Chapter, progress: Progress) -> bool:
    return all(p in progress.solved for p in chapter.puzzle_ids())


def _satisfied(catalog: Catalog, requirement: str, progress: Progress) -> bool:
    chapter = catalog.chapter(requirement)
    if chapter is not None:
        return chapter_complete(chapter, progress)
    return requirement in progress.solved or requirement in progress.seen


def chapter_state(catalog: Catalog, chapter: Chapter, progress: Progress) -> State:
    """Locked until every `unlocked_by` requirement holds; complete when all its puzzles are."""
    if not all(_satisfied(catalog, r, progress) for r in chapter.spec.unlocked_by):
        return "locked"
    return "complete" if chapter_complete(chapter, progress) else "open"


def item_open(catalog: Catalog, chapter: Chapter, index: int, progress: Progress) -> bool:
    """An item is reachable when its chapter is unlocked and every puzzle before it is solved."""
    if chapter_state(catalog, chapter, progress) == "locked":
        return False
    return all(i.id in progress.solved for i in chapter.items[:index] if i.kind == "puzzle")


def next_item(catalog: Catalog, chapter: Chapter, progress: Progress) -> FlowItem | None:
    """The first unseen scene or unsolved puzzle that is open; None when the chapter is done."""
    for index, item in enumerate(chapter.items):
        done = item.id in (progress.solved if item.kind == "puzzle" else progress.seen)
        if not done:
            return item if item_open(catalog, chapter, index, progress) else None
    return None


def puzzle_state(catalog: Catalog, puzzle_id: str, progress: Progress) -> str:
    """`solved`, `open` or `locked` for one puzzle."""
    if puzzle_id in progress.solved:
        return "solved"
    for chapter in catalog.chapters:
        for index, item in enumerate(chapter.items):
            if item.kind == "puzzle" and item.id == puzzle_id:
                return "open" if item_open(catalog, chapter, index, progress) else "locked"
    return "open"


def percent_complete(catalog: Catalog, progress: Progress) -> int:
    total = len(catalog.puzzles)
    if not total:
        return 0
    return round(100 * len(progress.solved & set(catalog.puzzles)) / total)
