"""The story's path (game.core.flow) on a small catalog shaped like the real one: a prologue,
Act I, the gauntlet side quest (order 2) and Acts II and III (orders 3 and 4), each unlocked by
the chapter before it."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from game.core.content import Catalog, Chapter, FlowItem, Scene
from game.core.flow import (
    Resume,
    Step,
    current_chapter,
    first_chapter,
    following_chapter,
    just_finished,
    next_step,
    resume,
    skip_scenes,
    what_follows,
    where_label,
)
from game.core.models import ChapterSpec, SceneMeta
from game.core.progress import Progress
from game.core.saves import Location

FLOWS = {
    # id: (title, order, side quest, unlocked_by, flow)
    "prologue": ("Prologue — A Start", 0, False, [], ["p.s1", "p.q1", "p.s2"]),
    "act1": ("Act I — The Library", 1, False, ["prologue"], ["a.s1", "a.s2", "a.q1", "a.q2",
                                                             "a.s3"]),
    "gauntlet": ("Hammer's Exam", 2, True, ["a.q1"], ["g.s1", "g.q1"]),
    "act2": ("Act II — The Startup", 3, False, ["act1"], ["b.s1", "b.q1"]),
    "act3": ("Act III — The Ice Age", 4, False, ["act2"], ["c.s1", "c.q1"]),
}


def kind(item_id: str) -> str:
    return "puzzle" if ".q" in item_id else "scene"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    catalog = Catalog()
    for chapter_id, (title, order, side, unlocked_by, flow) in FLOWS.items():
        spec = ChapterSpec(id=chapter_id, title=title, order=order, side_quest=side,
                           unlocked_by=unlocked_by, flow=flow)
        catalog.chapters.append(Chapter(spec, [FlowItem(kind(i), i) for i in flow]))
        for item in flow:
            if kind(item) == "scene":
                catalog.scenes[item] = Scene(item, chapter_id, SceneMeta(title=f"Scene {item}"),
                                             ("page",), Path(item))
            else:
                catalog.puzzles[item] = SimpleNamespace(id=item, title=f"Puzzle {item}",
                                                        chapter=chapter_id)  # type: ignore
    catalog.chapters.sort(key=lambda c: c.spec.order)
    return catalog


def done(*ids: str) -> Progress:
    return Progress.of([i for i in ids if kind(i) == "puzzle"],
                       [i for i in ids if kind(i) == "scene"])


ALL_PROLOGUE = ("p.s1", "p.q1", "p.s2")
ALL_ACT1 = ("a.s1", "a.s2", "a.q1", "a.q2", "a.s3")


def test_a_new_game_starts_at_the_first_scene_of_the_main_story(catalog: Catalog) -> None:
    assert first_chapter(catalog).id == "prologue"
    assert next_step(catalog, "prologue", None, Progress()) == Step("prologue",
                                                                    FlowItem("scene", "p.s1"))
    assert resume(catalog, Location(), Progress()) == Resume(
        Step("prologue", FlowItem("scene", "p.s1")), chapter="prologue")


def test_going_on_opens_the_next_item_when_it_is_open(catalog: Catalog) -> None:
    progress = done("p.s1")
    assert next_step(catalog, "prologue", "p.s1", progress).item == FlowItem("puzzle", "p.q1")
    # The scene after an unsolved puzzle is not open: back to that puzzle.
    assert next_step(catalog, "prologue", "p.q1", progress).item.id == "p.q1"
    assert next_step(catalog, "prologue", "p.q1", done("p.s1", "p.q1")).item.id == "p.s2"


def test_replaying_a_scene_goes_on_to_the_item_after_it(catalog: Catalog) -> None:
    progress = done(*ALL_PROLOGUE, "a.s1", "a.s2")
    assert next_step(catalog, "prologue", "p.s1", progress).item.id == "p.q1"


def test_the_end_of_a_chapter_leads_into_the_next_main_chapter(catalog: Catalog) -> None:
    progress = done(*ALL_PROLOGUE)
    assert just_finished(catalog, "prologue", "p.s2", progress)
    assert next_step(catalog, "prologue", "p.s2", progress) == Step("act1",
                                                                    FlowItem("scene", "a.s1"))
    # Act I done: the side quest (order 2) is skipped, Act II (order 3) follows.
    progress = done(*ALL_PROLOGUE, *ALL_ACT1)
    assert next_step(catalog, "act1", "a.s3", progress) == Step("act2", FlowItem("scene", "b.s1"))
    progress = done(*ALL_PROLOGUE, *ALL_ACT1, "b.s1", "b.q1")
    assert following_chapter(catalog, catalog.chapter("act2"), progress) == Step(
        "act3", FlowItem("scene", "c.s1"))


def test_the_last_chapter_and_an_unfinished_chapter_lead_to_the_map(catalog: Catalog) -> None:
    everything = done(*[i for _, _, _, _, flow in FLOWS.values() for i in flow])
    assert next_step(catalog, "act3", "c.q1", everything) is None
    assert not just_finished(catalog, "act1", None, everything)
    # A side quest finished is not followed by the main story.
    side = done(*ALL_PROLOGUE, "a.s1", "a.s2", "a.q1", "g.s1", "g.q1")
    assert next_step(catalog, "gauntlet", "g.q1", side) is None


def test_what_follows_a_scene(catalog: Catalog) -> None:
    assert what_follows(catalog, "act1", "a.s2") == "puzzle"
    assert what_follows(catalog, "act1", "a.s1") == "scene"
    assert what_follows(catalog, "act1", "a.s3") == "chapter_end"
    assert what_follows(catalog, "act1", "nowhere") == "chapter_end"


def test_skip_marks_the_scenes_up_to_the_next_puzzle(catalog: Catalog) -> None:
    assert skip_scenes(catalog, "act1", "a.s1") == (["a.s1", "a.s2"], "a.s2")
    assert skip_scenes(catalog, "act1", "a.s2") == (["a.s2"], "a.s2")
    # The last scene: nothing after it but the chapter's end.
    assert skip_scenes(catalog, "act1", "a.s3") == (["a.s3"], "a.s3")
    progress = done(*ALL_PROLOGUE, "a.s1", "a.s2")
    assert next_step(catalog, "act1", "a.s2", progress).item.id == "a.q1"


def test_continue_resumes_the_saved_place(catalog: Catalog) -> None:
    progress = done(*ALL_PROLOGUE, "a.s1")
    scene = Location(screen="scene", chapter="act1", scene="a.s2", page=3)
    assert resume(catalog, scene, progress) == Resume(Step("act1", FlowItem("scene", "a.s2"),
                                                           3))
    puzzle = Location(screen="puzzle", chapter="act1", puzzle="a.q1")
    assert resume(catalog, puzzle, progress).step == Step("act1", FlowItem("puzzle", "a.q1"))
    assert resume(catalog, Location(screen="notebook", chapter="act1"), progress) == Resume(
        chapter="act1", notebook=True)
    # Left at the title after playing: the map of the chapter being played.
    assert resume(catalog, Location(screen="title"), progress) == Resume(chapter="act1")
    # A place that no longer exists (content changed): the map, not a crash.
    gone = Location(screen="puzzle", chapter="act1", puzzle="a.q9")
    assert resume(catalog, gone, progress).step is None


def test_continue_names_the_place_it_resumes(catalog: Catalog) -> None:
    """After the prologue Continue never says "the beginning"."""
    progress = done(*ALL_PROLOGUE)
    at_scene = Location(screen="scene", chapter="act1", scene="a.s1")
    assert where_label(catalog, at_scene, progress) == "Act I: Scene a.s1"
    assert where_label(catalog, Location(screen="title"), progress) == "Act I: the map"
    assert where_label(catalog, Location(), Progress()) == "Prologue: Scene p.s1"
    assert current_chapter(catalog, done(*ALL_PROLOGUE, *ALL_ACT1)) == "act2"
