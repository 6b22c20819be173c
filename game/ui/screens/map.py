"""The chapter map: every chapter as a node (locked, open, complete; "coming soon" when it has no
content yet) with its progress, and the scenes and puzzles of the highlighted one."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from game.core.content import Chapter
from game.core.models import CHAPTER_IDS
from game.core.progress import Progress, chapter_state, item_open, next_item
from game.ui.screens.base import GameScreen
from game.ui.widgets.header import GameHeader

# Shown for chapters whose content has not arrived yet.
PLANNED_TITLES = {
    "prologue": "Prologue — A Transmission from the Lab",
    "act1": "Act I — The Ivory Tower",
    "act2": "Act II — The Startup Mirage",
    "act3": "Act III — The Corporate Ice Age",
    "act4": "Act IV — The PyTorch Revelation",
    "finale": "Finale — A Prometheus's Rebellion",
    "gauntlet": "Side quest — Hammer's Qualifying Exam",
}
STATE_MARK = {"complete": ("✔", "green"), "open": ("◆", "yellow"), "locked": ("▪", "dim"),
              "soon": ("…", "dim")}


def progress_bar(done: int, total: int, width: int = 12) -> Text:
    filled = round(width * done / total) if total else 0
    return Text.assemble(("█" * filled, "green"), ("░" * (width - filled), "dim"),
                         f" {done}/{total}")


class MapScreen(GameScreen):
    """Enter opens the next scene or puzzle of the highlighted chapter."""

    BINDINGS = [Binding("enter", "open", "Open"), Binding("n", "notebook", "Notebook", show=False),
                Binding("comma", "settings", "Settings"), Binding("escape", "title", "Title")]
    map_key = True  # this is the map: the app's map key has nothing to do here

    def __init__(self, chapter_id: str | None = None) -> None:
        super().__init__()
        self.initial = chapter_id

    def compose(self) -> ComposeResult:
        yield GameHeader("Chapter map")
        with Horizontal(id="map-body"):
            yield OptionList(id="chapters")
            with Vertical(id="chapter-detail"):
                yield Static(id="chapter-title")
                yield Static(id="chapter-summary")
                yield OptionList(id="chapter-items")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#chapters").border_title = "Chapters"
        self.refresh_map()
        chapters = self.query_one("#chapters", OptionList)
        ids = [o.id for o in chapters.options]
        progress = self.session.progress()
        start = self.initial if self.initial in ids else next(
            (c.id for c in self.game.catalog.chapters
             if chapter_state(self.game.catalog, c, progress) == "open"), ids[0])
        chapters.highlighted = ids.index(start)
        chapters.focus()

    def on_screen_resume(self) -> None:
        self.refresh_map()

    # -- drawing --------------------------------------------------------------------------------
    def state_of(self, chapter: Chapter | None, progress: Progress) -> str:
        if chapter is None:
            return "soon"
        return chapter_state(self.game.catalog, chapter, progress)

    def refresh_map(self) -> None:
        catalog = self.game.catalog
        progress = self.session.progress()
        menu = self.query_one("#chapters", OptionList)
        highlighted = menu.highlighted
        menu.clear_options()
        ids = [c.id for c in catalog.chapters] + [c for c in CHAPTER_IDS
                                                   if catalog.chapter(c) is None]
        ids.sort(key=lambda c: (c == "gauntlet", CHAPTER_IDS.index(c)))
        for chapter_id in ids:
            chapter = catalog.chapter(chapter_id)
            state = self.state_of(chapter, progress)
            mark, colour = STATE_MARK[state]
            title = chapter.title if chapter else PLANNED_TITLES.get(chapter_id, chapter_id)
            # Two lines that never wrap (a narrow pane ends the title with an ellipsis; the
            # detail pane shows it whole): the title, then the progress and the state.
            first = Text.assemble((f" {mark} ", colour), (title, "bold" if state != "soon"
                                                           and state != "locked" else "dim"),
                                  no_wrap=True, overflow="ellipsis")
            second = Text("   ", no_wrap=True, overflow="ellipsis")
            if chapter is None:
                second.append("coming soon", style="italic dim")
            else:
                puzzles = chapter.puzzle_ids()
                solved = sum(p in progress.solved for p in puzzles)
                second.append_text(progress_bar(solved, len(puzzles), width=8))
                if state == "locked":
                    second.append("  locked", style="dim")
                if chapter.spec.side_quest:
                    second.append("  side quest", style="italic magenta")
            menu.add_option(Option(Group(first, second, Text("")), id=chapter_id))
        if highlighted is not None:
            menu.highlighted = highlighted
        self.show_detail()

    def show_detail(self) -> None:
        menu = self.query_one("#chapters", OptionList)
        items = self.query_one("#chapter-items", OptionList)
        items.clear_options()
        if menu.highlighted is None:
            return
        chapter_id = menu.get_option_at_index(menu.highlighted).id or ""
        chapter = self.game.catalog.chapter(chapter_id)
        title = self.query_one("#chapter-title", Static)
        summary = self.query_one("#chapter-summary", Static)
        if chapter is None:
            title.update(Text(PLANNED_TITLES.get(chapter_id, chapter_id), style="bold"))
            summary.update(Text("Coming soon: the Professor is still writing these memories.",
                                style="italic dim"))
            return
        progress = self.session.progress()
        state = self.state_of(chapter, progress)
        title.update(Text(chapter.title, style="bold"))
        lines = Text(chapter.spec.subtitle + "\n" if chapter.spec.subtitle else "",
                     style="italic")
        if state == "locked":
            needs = ", ".join(self._requirement_title(r) for r in chapter.spec.unlocked_by)
            lines.append(f"Locked: finish {needs} first.", style="yellow")
        elif state == "complete":
            lines.append("Complete. Pick any scene or puzzle to replay it.", style="green")
        else:
            lines.append("Enter continues the story; pick an item below to go straight to it.")
        summary.update(lines)
        upcoming = next_item(self.game.catalog, chapter, progress)
        for index, item in enumerate(chapter.items):
            reachable = item_open(self.game.catalog, chapter, index, progress)
            if item.kind == "scene":
                name = self.game.catalog.scenes[item.id].title
                done = item.id in progress.seen
                kind = "scene "
            else:
                name = self.game.catalog.puzzle(item.id).title
                done = item.id in progress.solved
                kind = "puzzle"
            if done:
                mark = ("✔", "green")
            elif item == upcoming:
                mark = ("▶", "yellow")
            elif reachable:
                mark = ("◇", "")
            else:
                mark = ("▪", "dim")
            line = Text.assemble((f"{mark[0]} ", mark[1]), (f"{kind}  ", "dim"),
                                 (name, "" if reachable else "dim"))
            items.add_option(Option(line, id=f"{index}", disabled=not reachable))

    def _requirement_title(self, requirement: str) -> str:
        chapter = self.game.catalog.chapter(requirement)
        if chapter is not None:
            return chapter.title
        puzzle = self.game.catalog.puzzles.get(requirement)
        return puzzle.title if puzzle else requirement

    # -- choosing -------------------------------------------------------------------------------
    @on(OptionList.OptionHighlighted, "#chapters")
    def _highlighted(self) -> None:
        self.show_detail()

    def action_open(self) -> None:
        menu = self.query_one("#chapters", OptionList)
        if menu.highlighted is not None:
            self.open_chapter(menu.get_option_at_index(menu.highlighted).id or "")

    @on(OptionList.OptionSelected, "#chapters")
    def _chapter_selected(self, event: OptionList.OptionSelected) -> None:
        self.open_chapter(event.option_id or "")

    def open_chapter(self, chapter_id: str) -> None:
        chapter = self.game.catalog.chapter(chapter_id)
        if chapter is None:
            self.notify("This chapter is coming soon.", severity="warning")
            return
        progress = self.session.progress()
        state = self.state_of(chapter, progress)
        if state == "locked":
            self.notify("This chapter is locked: finish the ones before it first.",
                        severity="warning")
            return
        item = next_item(self.game.catalog, chapter, progress)
        if item is None:
            item = chapter.items[0]
        self.game.play(chapter.id, item)

    @on(OptionList.OptionSelected, "#chapter-items")
    def _open_item(self, event: OptionList.OptionSelected) -> None:
        menu = self.query_one("#chapters", OptionList)
        chapter = self.game.catalog.chapter(
            menu.get_option_at_index(menu.highlighted or 0).id or "")
        if chapter is not None:
            self.game.play(chapter.id, chapter.items[int(event.option_id or 0)])

    def action_notebook(self) -> None:
        self.game.show_notebook()

    def action_settings(self) -> None:
        self.game.show_settings()

    def action_title(self) -> None:
        self.game.show_title()
