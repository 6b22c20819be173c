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
from typing import Any

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import ModalScreen, Screen

from game.core.content import Catalog, FlowItem, load_catalog
from game.core.flow import Step, first_chapter, just_finished, next_step, resume
from game.core.paths import CONTENT_ENV
from game.core.paths import content_dir as default_content_dir
from game.core.result import Result
from game.core.saves import CorruptSave, SaveError, SaveStore
from game.engine.client import Judge, JudgeClient, JudgeUnavailable
from game.ui.commands import GameCommands
from game.ui.session import Session

LAUNCH_PROBE_ENV = "TORCHENSTEIN_LAUNCH_PROBE"
"""When set to a file path, the app writes the time of its first frame and the imported modules
there, then exits (benchmarks/launch.py)."""


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

    # Screens get `-narrow`/`-wide` and `-short`/`-tall` classes: 80×24 layouts are CSS.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]
    # Shown in every footer: quitting (which saves everything) and the notebook and map keys.
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", priority=True),
                Binding("f3", "notebook", "Notebook", priority=True),
                Binding("f4", "map", "Map")]

    device_badge: reactive[str] = reactive("judge: starting")
    slot_label: reactive[str] = reactive("no slot yet")

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
        self.saved_slot: str | None = None
        """The slot that was open when the game closed (everything in it is saved)."""

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
        slot = self.session.slot_name or self.requested_slot or self.session.last_played()
        self.slot_label = f"slot: {slot}" if slot else "no slot yet"
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
        first = first_chapter(self.catalog)
        if first is None:
            self.show_map()
        else:
            self.advance(first.id)

    # -- navigation -----------------------------------------------------------------------------
    # Screens are imported when first shown: importing them all up front costs about 150 ms
    # of launch time (the target for the first frame is 0.8 s).
    def _show(self, screen: Screen[Any]) -> None:
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
            self.autosave()  # where the player was stays saved: Continue goes back there
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
        """Go on with the story after the item `after` (see `game.core.flow.next_step`); the map
        when nothing is left to play."""
        progress = self.session.progress()
        chapter = self.catalog.chapter(chapter_id)
        if chapter_id == "finale" and chapter is not None and chapter.items \
                and after == chapter.items[-1].id:
            self.show_ending()  # the story's last scene: credits and the player's record
            return
        if just_finished(self.catalog, chapter_id, after, progress):
            chapter = self.catalog.chapter(chapter_id)
            self.notify(f"{chapter.title if chapter else chapter_id}: complete.",
                        title="Chapter complete")
        step = next_step(self.catalog, chapter_id, after, progress)
        if step is None:
            self.show_map(chapter_id)
        else:
            self.go_to(step)

    def go_to(self, step: Step) -> None:
        self.play(step.chapter, step.item, step.page)

    def continue_game(self) -> None:
        """Put the player back exactly where the save says they were."""
        target = resume(self.catalog, self.session.location, self.session.progress())
        if target.step is not None:
            self.go_to(target.step)
            return
        self.show_map(target.chapter)
        if target.notebook:
            self.show_notebook()

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

    # -- keys of every screen -------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The notebook and the map need an open game; a screen that is the notebook or the map,
        or that opens the map with its own key (Esc), hides the app's key."""
        if action not in ("notebook", "map"):
            return True
        screen = self.screen
        if not self.session.started or isinstance(screen, ModalScreen):
            return False
        own = {"notebook": "notebook_screen", "map": "map_key"}[action]
        return not getattr(screen, own, False)

    def action_notebook(self) -> None:
        self.show_notebook()

    def action_map(self) -> None:
        self.show_map(self.session.location.chapter)

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
        self.saved_slot = self.session.slot_name
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
    slot_name = app.saved_slot
    if slot_name:
        from game.cli import program_name

        print(f"Saved: your progress and drafts are on slot '{slot_name}'. "
              f"`{program_name()} --slot {slot_name}` picks up where you left off.")
    return app.return_code or 0
