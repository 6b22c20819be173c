"""The story's path: what comes next after a scene or a puzzle, where Continue resumes, what
Skip skips to and which chapter follows a finished one. Pure functions of the catalog and the
player's progress; the screens only navigate to what they return."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from game.core.content import Catalog, Chapter, FlowItem
from game.core.progress import Progress, chapter_complete, chapter_state, item_open, next_item
from game.core.saves import Location


@dataclass(frozen=True)
class Step:
    """One place in the story: an item of a chapter (a scene opens at `page`)."""

    chapter: str
    item: FlowItem
    page: int = 0


@dataclass(frozen=True)
class Resume:
    """Where Continue puts the player: a scene or puzzle (`step`), else the map of `chapter`,
    with the notebook open on top of it when `notebook` is set."""

    step: Step | None = None
    chapter: str | None = None
    notebook: bool = False


Follows = Literal["puzzle", "scene", "chapter_end"]


def first_chapter(catalog: Catalog) -> Chapter | None:
    """Where a new game starts: the first chapter of the main story."""
    return next((c for c in catalog.chapters if not c.spec.side_quest), None)


def _index(chapter: Chapter, item_id: str | None) -> int | None:
    ids = [i.id for i in chapter.items]
    return ids.index(item_id) if item_id in ids else None


def following_chapter(catalog: Catalog, chapter: Chapter, progress: Progress) -> Step | None:
    """After `chapter`: the first item left to play in the next chapters of the main story
    (side quests are chosen from the map, never entered by going on)."""
    later = catalog.chapters[catalog.chapters.index(chapter) + 1:] \
        if chapter in catalog.chapters else []
    for nxt in later:
        if nxt.spec.side_quest:
            continue
        item = next_item(catalog, nxt, progress)
        if item is not None:
            return Step(nxt.id, item)
    return None


def just_finished(catalog: Catalog, chapter_id: str, after: str | None,
                  progress: Progress) -> bool:
    """Whether going on after `after` closes its chapter: every puzzle is solved, nothing is left
    to play and `after` is one of its items."""
    chapter = catalog.chapter(chapter_id)
    if chapter is None or _index(chapter, after) is None:
        return False
    return chapter_complete(chapter, progress) and next_item(catalog, chapter, progress) is None


def next_step(catalog: Catalog, chapter_id: str, after: str | None,
              progress: Progress) -> Step | None:
    """What going on opens after the item `after` (None: the start of the chapter): the item that
    follows it when it is open, else the first unseen scene or unsolved puzzle of the chapter,
    else, when `after` closed the chapter, the next chapter of the story. None: the map."""
    chapter = catalog.chapter(chapter_id)
    if chapter is None:
        return None
    index = _index(chapter, after)
    if index is not None and index + 1 < len(chapter.items) \
            and item_open(catalog, chapter, index + 1, progress):
        return Step(chapter.id, chapter.items[index + 1])
    item = next_item(catalog, chapter, progress)
    if item is not None:
        return Step(chapter.id, item)
    if just_finished(catalog, chapter_id, after, progress):
        return following_chapter(catalog, chapter, progress)
    return None


def what_follows(catalog: Catalog, chapter_id: str, item_id: str) -> Follows:
    """What comes right after `item_id` in its chapter's flow: a puzzle, a scene, or the end."""
    chapter = catalog.chapter(chapter_id)
    index = _index(chapter, item_id) if chapter else None
    if chapter is None or index is None or index + 1 >= len(chapter.items):
        return "chapter_end"
    return "puzzle" if chapter.items[index + 1].kind == "puzzle" else "scene"


def skip_scenes(catalog: Catalog, chapter_id: str, scene_id: str) -> tuple[list[str], str]:
    """Skip from the scene `scene_id` to the next puzzle: the scenes to mark as seen (this one and
    those after it up to the puzzle) and the item to go on after."""
    chapter = catalog.chapter(chapter_id)
    index = _index(chapter, scene_id) if chapter else None
    if chapter is None or index is None:
        return [scene_id], scene_id
    skipped: list[str] = []
    for item in chapter.items[index:]:
        if item.kind == "puzzle":
            break
        skipped.append(item.id)
    return skipped, skipped[-1]


def resume(catalog: Catalog, location: Location, progress: Progress) -> Resume:
    """Where Continue puts the player back: the saved scene (at its page) or puzzle; the
    notebook over the map; the map once anything was done; else the start of the story."""
    chapter = catalog.chapter(location.chapter) if location.chapter else None
    if location.screen == "scene" and chapter and location.scene in catalog.scenes:
        return Resume(Step(chapter.id, FlowItem("scene", location.scene),
                           max(0, location.page)))
    if location.screen == "puzzle" and chapter and location.puzzle in catalog.puzzles:
        return Resume(Step(chapter.id, FlowItem("puzzle", location.puzzle)))
    if location.screen == "notebook":
        return Resume(chapter=chapter.id if chapter else None, notebook=True)
    if location.screen == "map" or progress.solved or progress.seen:
        return Resume(chapter=chapter.id if chapter else current_chapter(catalog, progress))
    first = first_chapter(catalog)
    if first is None:
        return Resume()
    return Resume(next_step(catalog, first.id, None, progress), chapter=first.id)


def current_chapter(catalog: Catalog, progress: Progress) -> str | None:
    """The chapter of the main story the player is in: the first one that is open and not
    complete (the last one reached when all are done); None before any content exists."""
    main = [c for c in catalog.chapters if not c.spec.side_quest]
    for chapter in main:
        if chapter_state(catalog, chapter, progress) == "open":
            return chapter.id
    reached = [c for c in main if chapter_state(catalog, c, progress) != "locked"]
    return reached[-1].id if reached else (main[0].id if main else None)


def where_label(catalog: Catalog, location: Location, progress: Progress) -> str:
    """Where Continue resumes, in words: the chapter's short title and, in a scene or a puzzle,
    its title (`Act I: The Reading Room`)."""
    target = resume(catalog, location, progress)
    chapter_id = target.step.chapter if target.step else target.chapter
    chapter = catalog.chapter(chapter_id) if chapter_id else None
    if chapter is None:
        return "the beginning"
    short = chapter.title.split(" — ")[0]
    if target.step is None:
        return f"{short}: the map"
    item = target.step.item
    name = catalog.scenes[item.id].title if item.kind == "scene" \
        else catalog.puzzle(item.id).title
    return f"{short}: {name}"
