"""The scene player: Markdown pages with speaker labels, page by page, with an optional
typewriter effect (off under reduced motion)."""

from __future__ import annotations

import re

from rich.console import Group, RenderableType
from rich.markdown import Markdown
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.timer import Timer
from textual.widgets import Footer, Static

from game.core.content import Scene
from game.core.flow import skip_scenes, what_follows
from game.ui.screens.base import GameScreen
from game.ui.widgets.header import GameHeader

CHARS_PER_TICK = 14
TICK_S = 0.03
SPEAKER = re.compile(r"^\*\*([^*:\n]{1,30}):\*\*\s*(.*)$", re.DOTALL)
SPEAKER_COLOURS = (("TORCHENSTEIN", "#7be07b"), ("VICTOR", "#7be07b"), ("BACKPROP", "#ffd23f"),
                   ("YOU", "#5fd7ff"),
                   ("HAMMER", "#ff6b6b"))


def speaker_style(name: str) -> str:
    upper = name.upper()
    colour = next((c for key, c in SPEAKER_COLOURS if key in upper), "#d7afff")
    return f"bold {colour}"


def render_page(text: str) -> RenderableType:
    """A page as a script: paragraphs that open with `**NAME:**` get the speaker's name in
    its own coloured column; everything else is Markdown."""
    blocks = [b for b in re.split(r"\n\s*\n", text.strip()) if b.strip()]
    names = [m.group(1) for b in blocks if (m := SPEAKER.match(b))]
    width = min(max((len(n) for n in names), default=0), 20)
    parts: list[RenderableType] = []
    for block in blocks:
        if parts:
            parts.append(Text(""))
        found = SPEAKER.match(block)
        if found is None:
            parts.append(Markdown(block))
            continue
        line = Table.grid(padding=(0, 2))
        line.add_column(width=width, justify="right")
        line.add_column(ratio=1)
        name, said = found.groups()
        line.add_row(Text(name, style=speaker_style(name)), Markdown(said))
        parts.append(line)
    return Group(*parts)


def partial_markdown(text: str, length: int) -> str:
    """The first `length` characters of `text`, cut at a word and with open `**`, `*` and
    backtick spans closed, so that half-typed emphasis never shows its asterisks."""
    cut = text[:length]
    if length < len(text):
        space = cut.rfind(" ")
        cut = cut[:space] if space > 0 else cut
    for marker in ("**", "`"):
        if cut.count(marker) % 2:
            cut += marker
    singles = len(re.findall(r"(?<!\*)\*(?!\*)", cut))
    if singles % 2:
        cut += "*"
    return cut


class SceneScreen(GameScreen):
    """Enter, Space or → advance; ← goes back; s skips to the puzzle; Esc opens the map."""

    # Priority: the scrolling page would otherwise take the arrow keys.
    BINDINGS = [Binding("enter,space,right", "next", "Next", priority=True),
                Binding("left", "back", "Back", priority=True),
                Binding("s", "skip", "Skip to puzzle", priority=True),
                Binding("escape", "leave", "Map"), Binding("f4", "leave", show=False)]
    map_key = True  # Esc opens the map

    def __init__(self, scene: Scene, page: int = 0) -> None:
        super().__init__()
        self.scene = scene
        self.page = page
        self.shown = 0
        self._typer: Timer | None = None

    @property
    def chapter(self) -> str:
        return self.scene.chapter

    def compose(self) -> ComposeResult:
        chapter = self.game.catalog.chapter(self.chapter)
        context = f"{chapter.title if chapter else self.chapter} · {self.scene.title}"
        yield GameHeader(context)
        with Vertical(id="stage"):
            heading = Text(self.scene.title, style="bold")
            if self.scene.meta.location:
                heading.append(f"   {self.scene.meta.location}", style="italic dim")
            yield Static(heading, id="scene-title")
            with VerticalScroll(id="page-scroll"):
                yield Static(id="page")
            yield Static(id="page-indicator")
        yield Footer()

    def on_mount(self) -> None:
        self.show_page()

    @property
    def text(self) -> str:
        return self.scene.pages[self.page]

    @property
    def typing(self) -> bool:
        return self.shown < len(self.text)

    def show_page(self) -> None:
        if self._typer is not None:
            self._typer.stop()
            self._typer = None
        if self.game.reduced_motion:
            self.shown = len(self.text)
        else:
            self.shown = 0
            self._typer = self.set_interval(TICK_S, self._type_more)
        self.scroller.scroll_home(animate=False)
        self._draw()

    def _type_more(self) -> None:
        self.shown = min(len(self.text), self.shown + CHARS_PER_TICK)
        self._draw()
        if not self.typing and self._typer is not None:
            self._typer.stop()
            self._typer = None

    @property
    def scroller(self) -> VerticalScroll:
        return self.query_one("#page-scroll", VerticalScroll)

    @property
    def more_below(self) -> bool:
        """Whether part of the page is still below the fold (Enter scrolls to it first)."""
        return self.scroller.scroll_target_y < self.scroller.max_scroll_y

    def _draw(self) -> None:
        shown = self.text if not self.typing else partial_markdown(self.text, self.shown)
        self.query_one("#page", Static).update(render_page(shown))
        self.call_after_refresh(self._draw_indicator)
        self._draw_indicator()

    def _draw_indicator(self) -> None:
        indicator = self.query("#page-indicator").results(Static)
        found = next(indicator, None)
        if found is None or not self.query("#page-scroll"):
            return  # after the screen was closed
        last = self.page == len(self.scene.pages) - 1
        if not self.typing and self.more_below:
            hint = "Enter: more below ↓"
        else:
            hint = f"Enter: {self._what_follows()}" if last else "Enter / → next"
        found.update(Text.assemble(
            (f"page {self.page + 1} of {len(self.scene.pages)}", "bold"),
            f"  ·  {hint}  ·  ← back  ·  s skip to the puzzle", style="dim"))

    def _what_follows(self) -> str:
        """What Enter on the last page opens: the next puzzle, the next scene, or the map."""
        follows = what_follows(self.game.catalog, self.chapter, self.scene.id)
        return {"puzzle": "the puzzle awaits", "scene": "the story goes on",
                "chapter_end": "end of the chapter"}[follows]

    def _remember(self) -> None:
        self.session.go("scene", chapter=self.chapter, scene=self.scene.id, page=self.page)
        self.game.autosave()

    def action_next(self) -> None:
        if self.typing:
            self.shown = len(self.text)
            self._draw()
            return
        if self.more_below:
            # Never move on past text the player has not seen: scroll a screenful first.
            scroller = self.scroller
            step = max(1, scroller.scrollable_content_region.height - 2)
            scroller.scroll_to(y=min(scroller.max_scroll_y, scroller.scroll_target_y + step),
                               animate=False)
            self.call_after_refresh(self._draw_indicator)
            return
        if self.page + 1 < len(self.scene.pages):
            self.page += 1
            self.show_page()
            self._remember()
            return
        self.session.mark_seen(self.scene.id)
        self.game.advance(self.chapter, after=self.scene.id)

    def action_back(self) -> None:
        if self.page > 0:
            self.page -= 1
            self.show_page()
            self._remember()

    def action_skip(self) -> None:
        """Mark this scene and the scenes up to the next puzzle as seen, and open that puzzle."""
        skipped, last = skip_scenes(self.game.catalog, self.chapter, self.scene.id)
        for scene_id in skipped:
            self.session.mark_seen(scene_id)
        self.game.advance(self.chapter, after=last)

    def action_leave(self) -> None:
        self.game.show_map(self.chapter)
