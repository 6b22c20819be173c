"""The Torchenstein TUI: the app, its factory and `run` for the command line.

The UI process never imports torch: verdicts come from the judge service (`JudgeClient`), which
starts in the background right after the first frame, while the title and the story are on screen.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Protocol

from textual import work
from textual.app import App
from textual.reactive import reactive
from textual.screen import Screen

from game.core.content import Catalog, Chapter, FlowItem, load_catalog
from game.core.paths import CONTENT_ENV
from game.core.paths import content_dir as default_content_dir
from game.core.progress import item_open, next_item
from game.core.result import Result
from game.core.saves import CorruptSave, SaveError, SaveStore
from game.engine.client import JudgeClient, JudgeUnavailable
from game.ui.commands import GameCommands
from game.ui.session import Session

LAUNCH_PROBE_ENV = "TORCHENSTEIN_LAUNCH_PROBE"
"""When set to a file path, the app writes the time of its first frame and the imported modules
there, then exits (benchmarks/launch.py)."""


class Judge(Protocol):
    """What the UI needs from the judge: `JudgeClient`, or a fake with the same interface."""

    devices: dict[str, bool]

    @property
    def alive(self) -> bool: ...

    async def start(self) -> None: ...

    async def wait_ready(self, timeout: float = 60) -> dict[str, bool]: ...

    async def verify(self, puzzle_id: str, source: str, *, quick: bool = False,
                     device: str = "auto", seed: int | None = None) -> Result: ...

    async def cancel(self) -> None: ...

    async def close(self) -> None: ...


def resolve_device(setting: str, devices: dict[str, bool]) -> str:
    """The device a check will run on: `auto` picks CUDA, then MPS, then CPU."""
    if setting != "auto":
        return setting
    return next((d for d in ("cuda", "mps") if devices.get(d)), "cpu")


class TorchensteinApp(App[int]):
    """Scenes, puzzles and the judge's verdicts, one screen at a time."""

    CSS_PATH = "app.tcss"
    TITLE = "Torchenstein"
    COMMANDS = App.COMMANDS | {GameCommands}

    device_badge: reactive[str] = reactive("judge: starting")
    slot_label: reactive[str] = reactive("no slot")

    def __init__(self, *, catalog: Catalog, session: Session, judge: Judge,
                 slot: str | None = None, reduced_motion: bool | None = None) -> None:
        super().__init__()
        self.catalog = catalog
        self.session = session
        self.judge = judge
        self.requested_slot = slot
        self._reduced_motion = reduced_motion
        self.judge_ready = False
        self._judge_seen_alive = False
        self._judge_down_reported = False
        self._closing = False

    # -- start-up -------------------------------------------------------------------------------
    def on_mount(self) -> None:
        from game.ui.screens.title import TitleScreen

        self.apply_settings()
        self.push_screen(TitleScreen())
        self.call_after_refresh(self._after_first_frame)
        if self.catalog.problems:
            first = self.catalog.problems[0]
            more = len(self.catalog.problems) - 1
            self.notify(f"{first}" + (f" (and {more} more)" if more else ""),
                        title="Some content could not be loaded", severity="warning", timeout=10)

    def _after_first_frame(self) -> None:
        probe = os.environ.get(LAUNCH_PROBE_ENV)
        if probe:
            Path(probe).write_text(json.dumps({"first_frame": time.time(),
                                               "modules": sorted(sys.modules)}))
            self.exit(0)
            return
        self.start_judge()
        self.set_interval(1.0, self._watch_judge)

    @work(exclusive=True, group="judge", exit_on_error=False)
    async def start_judge(self) -> None:
        """Start the judge (torch loads in its own process) while the player reads."""
        self.device_badge = "judge: warming up"
        try:
            await self.judge.wait_ready()
        except JudgeUnavailable as exc:
            self.report_judge_down(str(exc))
            return
        self.judge_ready = True
        self._judge_seen_alive = True
        self.refresh_device_badge()

    def _watch_judge(self) -> None:
        if self._closing:
            return
        if self.judge.alive:
            self._judge_seen_alive = True
            if self._judge_down_reported:
                self._judge_down_reported = False
                self.refresh_device_badge()
        elif self._judge_seen_alive:
            self.report_judge_down("the judge process stopped")

    def report_judge_down(self, detail: str) -> None:
        """Say once that the judge is down; the next check restarts it."""
        if self._judge_down_reported or self._closing:
            return
        self._judge_down_reported = True
        self.device_badge = "judge: down"
        self.notify(f"The judge stopped ({detail}). It restarts on your next check; your "
                    "draft is saved.", title="Judge", severity="warning", timeout=8)

    def judge_answered(self, result: Result) -> None:
        """A verdict came back: the judge is up, and this is the device it really used."""
        self._judge_down_reported = False
        self._judge_seen_alive = True
        self.refresh_device_badge(result.device)

    def refresh_device_badge(self, used: str | None = None) -> None:
        setting = self.session.settings.device
        device = used or resolve_device(setting, self.judge.devices)
        self.device_badge = f"⚙ {device}" + (" (auto)" if setting == "auto" else "")

    # -- settings -------------------------------------------------------------------------------
    @property
    def reduced_motion(self) -> bool:
        if self._reduced_motion is not None:
            return self._reduced_motion
        return self.session.settings.reduced_motion

    def apply_settings(self) -> None:
        settings = self.session.settings
        if settings.theme in self.available_themes:
            self.theme = settings.theme
        self.animation_level = "none" if self.reduced_motion else "full"
        self.slot_label = f"slot: {self.session.slot_name}" if self.session.slot_name else "no slot"
        if self.judge_ready:
            self.refresh_device_badge()

    def watch_theme(self, theme: str) -> None:
        if self.session.settings.theme != theme:
            self.session.settings.theme = theme
            self.autosave()

    # -- saving ---------------------------------------------------------------------------------
    def autosave(self) -> None:
        problem = self.session.save()
        if problem:
            self.notify(problem, title="Could not save", severity="error", timeout=10)

    # -- slots ----------------------------------------------------------------------------------
    def open_slot(self, name: str) -> None:
        """Open a slot and put the player back where they were; a damaged save asks first."""
        from game.ui.screens.dialogs import CorruptSaveDialog

        try:
            self.session.open(name)
        except CorruptSave as exc:
            self.push_screen(CorruptSaveDialog(exc), self._after_corrupt_choice)
            return
        except SaveError as exc:
            self.notify(str(exc), title="Cannot open the slot", severity="error", timeout=10)
            return
        self.apply_settings()
        self.continue_game()

    def _after_corrupt_choice(self, choice: str | None) -> None:
        try:
            if choice == "restore":
                self.session.restore_backup()
            elif choice == "fresh":
                self.session.start_fresh()
            else:
                self.session.close()
                self.apply_settings()
                return
        except SaveError as exc:
            self.session.close()
            self.apply_settings()
            self.notify(str(exc), title="Could not repair the slot", severity="error", timeout=10)
            return
        aside = self.session.slot.set_aside if self.session.slot else None
        if aside is not None:
            self.notify(f"The damaged file was kept as {aside.name}.", title="Save repaired")
        self.apply_settings()
        self.continue_game()

    def new_game(self, apprentice: str) -> None:
        slot = self.requested_slot
        if slot and self.session.store.exists(slot):
            slot = None  # never overwrite a slot's progress with a new game
        try:
            self.session.new_game(apprentice, slot)
        except SaveError as exc:
            self.notify(str(exc), title="Cannot start a game", severity="error", timeout=10)
            return
        self.apply_settings()
        self.notify(f"Welcome to the lab, {apprentice}. Progress saves itself on slot "
                    f"'{self.session.slot_name}'.", title="New game")
        first = self.first_chapter()
        if first is None:
            self.show_map()
        else:
            self.advance(first.id)

    # -- navigation -----------------------------------------------------------------------------
    # Screens are imported when first shown: importing them all up front costs about 150 ms
    # of launch time (the target for the first frame is 0.8 s).
    def _show(self, screen: Screen[object]) -> None:
        """Replace the main screen (title, map, scene, puzzle), closing anything above it."""
        for shown in self.screen_stack:
            flush = getattr(shown, "flush_draft", None)
            if flush is not None:
                flush()
        while len(self.screen_stack) > 2:
            self.pop_screen()
        self.switch_screen(screen)

    def show_title(self) -> None:
        from game.ui.screens.title import TitleScreen

        if self.session.started:
            self.session.go("title")
            self.autosave()
        self._show(TitleScreen())

    def show_map(self, chapter_id: str | None = None) -> None:
        from game.ui.screens.map import MapScreen

        self.session.go("map", chapter=chapter_id)
        self.autosave()
        self._show(MapScreen(chapter_id))

    def play(self, chapter_id: str, item: FlowItem, page: int = 0) -> None:
        """Open a scene (at `page`) or a puzzle."""
        if item.kind == "scene":
            from game.ui.screens.scene import SceneScreen

            scene = self.catalog.scenes[item.id]
            page = max(0, min(page, len(scene.pages) - 1))
            self.session.go("scene", chapter=chapter_id, scene=item.id, page=page)
            self.autosave()
            self._show(SceneScreen(scene, page))
        else:
            from game.ui.screens.puzzle import PuzzleScreen

            self.session.go("puzzle", chapter=chapter_id, puzzle=item.id)
            self.autosave()
            self._show(PuzzleScreen(self.catalog.puzzle(item.id)))

    def advance(self, chapter_id: str, after: str | None = None) -> None:
        """Go on with the story: the item that follows `after` in the chapter's flow when it is
        open, else the first unseen scene or unsolved puzzle, else the map."""
        chapter = self.catalog.chapter(chapter_id)
        if chapter is None:
            self.show_map()
            return
        progress = self.session.progress()
        ids = [i.id for i in chapter.items]
        if chapter_id == "finale" and after is not None and after == ids[-1]:
            self.show_ending()  # the story's last scene: credits and the player's record
            return
        if after in ids:
            index = ids.index(after) + 1
            if index < len(ids) and item_open(self.catalog, chapter, index, progress):
                self.play(chapter_id, chapter.items[index])
                return
        item = next_item(self.catalog, chapter, progress)
        if item is not None:
            self.play(chapter_id, item)
            return
        if all(self.session.solved(p) for p in chapter.puzzle_ids()) and after in ids:
            self.notify(f"{chapter.title}: complete.", title="Chapter complete")
            # The story goes on in the next chapter that has something left to play.
            following = self.catalog.chapters[self.catalog.chapters.index(chapter) + 1:]
            for nxt in following:
                if nxt.spec.side_quest:
                    continue
                item = next_item(self.catalog, nxt, progress)
                if item is not None:
                    self.play(nxt.id, item)
                    return
        self.show_map(chapter_id)

    def continue_game(self) -> None:
        """Put the player back exactly where the save says they were."""
        loc = self.session.location
        chapter = self.catalog.chapter(loc.chapter) if loc.chapter else None
        if loc.screen == "scene" and chapter and loc.scene in self.catalog.scenes:
            self.play(chapter.id, FlowItem("scene", loc.scene), self.session.page)
        elif loc.screen == "puzzle" and chapter and loc.puzzle in self.catalog.puzzles:
            self.play(chapter.id, FlowItem("puzzle", loc.puzzle))
        elif loc.screen == "notebook":
            self.show_map(loc.chapter)
            self.show_notebook()
        elif loc.screen == "map" or self.session.state.scenes_seen or self.session.state.puzzles:
            self.show_map(loc.chapter)
        else:
            first = self.first_chapter()
            if first is None:
                self.show_map()
            else:
                self.advance(first.id)

    def first_chapter(self) -> Chapter | None:
        return next((c for c in self.catalog.chapters if not c.spec.side_quest), None)

    def show_ending(self) -> None:
        from game.ui.screens.ending import EndingScreen

        self.session.go("map", chapter="finale")
        self.autosave()
        self._show(EndingScreen())

    def show_notebook(self) -> None:
        from game.ui.screens.notebook import NotebookScreen

        self.push_screen(NotebookScreen())

    def show_settings(self) -> None:
        from game.ui.screens.settings import SettingsScreen

        self.push_screen(SettingsScreen())

    def show_load(self) -> None:
        from game.ui.screens.load import LoadScreen

        self.push_screen(LoadScreen())

    # -- leaving --------------------------------------------------------------------------------
    async def action_quit(self) -> None:
        """Save everything (the open draft included) and leave; `on_unmount` stops the judge."""
        for screen in self.screen_stack:
            flush = getattr(screen, "flush_draft", None)
            if flush is not None:
                flush()
        self.autosave()
        self.exit(0)

    async def on_unmount(self) -> None:
        self._closing = True
        self.session.close()
        await self.judge.close()


def make_app(*, save_dir: Path | None = None, content_dir: Path | None = None,
             slot: str | None = None, judge: Judge | None = None,
             reduced_motion: bool | None = None) -> TorchensteinApp:
    """Build the game: tests inject a temporary save folder, fixture content and a judge."""
    root = Path(content_dir) if content_dir else default_content_dir()
    catalog = load_catalog(root)
    if judge is None:
        env = {CONTENT_ENV: str(root.resolve())} if content_dir else None
        judge = JudgeClient(env=env)
    session = Session(SaveStore(save_dir), catalog)
    return TorchensteinApp(catalog=catalog, session=session, judge=judge, slot=slot,
                           reduced_motion=reduced_motion)


def run(slot: str | None = None, saves: Path | None = None) -> int:
    """Play in this terminal; returns the process exit code."""
    app = make_app(save_dir=saves, slot=slot)
    app.run()
    app.session.close()
    return app.return_code or 0
