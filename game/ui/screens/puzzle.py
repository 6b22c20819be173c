"""The puzzle screen: the brief, the code editor on the player's draft, and the results panel.

The draft is a real file (`<slot>/workspace/<puzzle-id>.py`): edits here are written to it
(debounced) and edits made to it elsewhere are reloaded here and quick-checked. Checks run in an
async worker, so the interface keeps answering keys while the judge works; Esc cancels.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import time
from pathlib import Path
from typing import cast

from rich.console import Group
from rich.panel import Panel
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, SuspendNotSupported
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.reactive import reactive
from textual.timer import Timer
from textual.widgets import Footer, Static, TextArea
from textual.widgets import Markdown as MarkdownView
from textual.widgets.text_area import LanguageDoesNotExist

from game.core.content import Puzzle
from game.core.render import HINT_SPEAKERS, hint_body, render_example
from game.core.result import Result, Status
from game.engine.client import CheckCancelled, JudgeUnavailable
from game.ui.screens.base import GameScreen
from game.ui.screens.dialogs import ConfirmDialog
from game.ui.widgets.editor import CodeEditor
from game.ui.widgets.header import GameHeader
from game.ui.widgets.results import ResultsPanel, RuleRow

SAVE_DELAY_S = 0.5  # debounce of draft writes after an edit in the game
RELOAD_DELAY_S = 0.5  # debounce of the quick check after an edit made elsewhere
POLL_S = 0.5  # how often the draft file is checked for outside edits
JUDGE_GRACE_S = 60.0  # beyond the wall limit: preparing cases, a first warm-up, a queue
SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
_TRACEBACK_LINE = re.compile(r"^\s*line (\d+), in ", re.MULTILINE)
_SYNTAX_LINE = re.compile(r"\(line (\d+)\)")


def file_signature(path: os.PathLike[str] | str | None) -> tuple[int, int, int] | None:
    """What changes when a file is rewritten (inode, size, mtime), or None if it is missing."""
    if path is None:
        return None
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def shown_path(path: Path | None) -> str:
    """A path as the player would type it: `~/...` under the home folder."""
    if path is None:
        return ""
    try:
        return f"~/{path.relative_to(Path.home())}"
    except ValueError:
        return str(path)


def hint_panel(puzzle: Puzzle, level: int) -> Panel:
    """One revealed hint tier; the duck speaks first (as a question)."""
    text = puzzle.spec.hints.tiers()[level - 1]
    more = "F1 for the next" if level < 3 else "the last one"
    return Panel(hint_body(text), title=HINT_SPEAKERS[level - 1], title_align="left",
                 subtitle=f"hint {level} of 3 · {more}", subtitle_align="right",
                 border_style="yellow" if level == 1 else "cyan")


class CheckStatus(Static):
    """One line under the editor: what is running, for how long, and how to stop it."""

    def __init__(self, idle: Text | str = "", *, id: str | None = None) -> None:
        super().__init__(idle, id=id)
        self.idle = idle
        self._started = 0.0
        self._what = ""
        self._timer: Timer | None = None
        self._frame = 0

    def start(self, what: str) -> None:
        self._started = time.monotonic()
        self._what = what
        self.add_class("running")
        self._tick()
        if self._timer is None:
            self._timer = self.set_interval(0.1, self._tick)

    def cancelling(self) -> None:
        self._what = "Cancelling"

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self.remove_class("running")
        self.update(self.idle)

    def _tick(self) -> None:
        reduced = getattr(self.app, "reduced_motion", False)
        self._frame = (self._frame + 1) % len(SPINNER)
        spin = "…" if reduced else SPINNER[self._frame]
        elapsed = time.monotonic() - self._started
        self.update(Text.assemble((f"{spin} {self._what}", "bold"), f"  {elapsed:4.1f} s",
                                  ("   Esc cancels", "dim")))


class PuzzleScreen(GameScreen):
    """F5 quick checks, F6 submits, F1 hints, F2 resets, Ctrl+E opens $EDITOR, Esc cancels."""

    BINDINGS = [
        Binding("f5", "quick_check", "Check", tooltip="Quick checks: the examples only",
                priority=True),
        Binding("f6", "submit", "Submit", tooltip="The full verdict", priority=True),
        Binding("f1", "hint", "Hint", priority=True),
        Binding("f2", "reset", "Reset", tooltip="Back to the starter code", priority=True),
        Binding("ctrl+e", "external_editor", "$EDITOR", show=False, priority=True),
        # Named on the editor's border (the footer has no room for them at 80 columns).
        Binding("f7", "select_all", "Select all", show=False, priority=True),
        Binding("shift+tab", "leave_editor", "Leave editor", key_display="⇧Tab", show=False),
        Binding("tab", "focus_editor", "Editor", show=False),
        Binding("escape", "cancel_check", "Cancel check", priority=True),
        Binding("escape", "leave", "Map", priority=True),
        Binding("f4", "leave", show=False),
    ]
    map_key = True  # Esc opens the map

    checking: reactive[bool] = reactive(False, bindings=True)

    def __init__(self, puzzle: Puzzle) -> None:
        super().__init__()
        self.puzzle = puzzle
        self.syntax_missing = False
        self._disk_text: str | None = None
        self._disk_signature: tuple[int, int, int] | None = None
        self._save_timer: Timer | None = None
        self._reload_timer: Timer | None = None
        self._cancel_timer: Timer | None = None
        self.last_result: Result | None = None
        self._serial = 0  # which check is current (a replaced check must not reset the status)

    # -- layout ---------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        chapter = self.game.catalog.chapter(self.puzzle.chapter)
        context = f"{chapter.title if chapter else self.puzzle.chapter} · {self.puzzle.title}"
        yield GameHeader(context)
        with Horizontal(id="puzzle-body"):
            with VerticalScroll(id="brief") as brief:
                brief.border_title = self.puzzle.title
                brief.border_subtitle = self.puzzle.id
                yield Static(Text(self.puzzle.spec.signature, style="bold"), id="signature")
                yield MarkdownView(self.puzzle.brief, id="brief-text")
                if self.puzzle.spec.examples:
                    yield Static(Group(
                        Text("Worked examples (cyan > 0, red < 0, dim = 0):", style="italic"),
                        *[render_example(e) for e in self.puzzle.spec.examples]),
                        id="examples")
                yield Vertical(id="hints")
            with Vertical(id="workbench"):
                yield self._make_editor()
                yield CheckStatus(self._idle_status(), id="check-status")
                yield ResultsPanel(id="results")
        yield Footer(show_command_palette=False)

    def _idle_status(self) -> Text:
        """Under the editor when nothing runs: where the draft lives, for any other editor."""
        path = shown_path(self.session.draft_path(self.puzzle.id))
        line = Text.assemble(("^E opens $EDITOR  ·  ", "dim"), ("draft: ", "dim"), path,
                             no_wrap=True, overflow="ellipsis")
        return line if path else Text("")

    def _make_editor(self) -> CodeEditor:
        text = self._load_draft()
        try:
            editor = cast(CodeEditor, CodeEditor.code_editor(
                text, language="python", soft_wrap=True, id="editor"))
        except LanguageDoesNotExist:
            self.syntax_missing = True
            editor = cast(CodeEditor, CodeEditor.code_editor(text, soft_wrap=True, id="editor"))
        editor.border_title = "your draft"
        editor.cursor_blink = not self.game.reduced_motion
        return editor

    def _load_draft(self) -> str:
        """The player's draft, or the starter (written to the draft file, so it can be edited
        elsewhere from the start)."""
        draft = self.session.read_draft(self.puzzle.id)
        if draft is None:
            draft = self.puzzle.starter
            self._report(self.session.write_draft(self.puzzle.id, draft))
        self._disk_text = draft
        self._disk_signature = file_signature(self.session.draft_path(self.puzzle.id))
        return draft

    @property
    def editor(self) -> CodeEditor:
        return self.query_one("#editor", CodeEditor)

    @property
    def results(self) -> ResultsPanel:
        return self.query_one("#results", ResultsPanel)

    def on_mount(self) -> None:
        editor = self.editor
        editor.hold_enter = True
        self.call_after_refresh(self._place_cursor)  # once the editor has its size
        editor.focus()
        self.watch(self.app, "theme", self._match_theme)
        self.watch(self, "focused", self._focus_moved)
        if self.syntax_missing or not editor.is_syntax_aware:
            self.notify("Python highlighting could not be loaded (tree-sitter-python is "
                        "missing); the editor works, without colours.", severity="warning",
                        title="Editor")
        for level in range(1, self.session.hints_used(self.puzzle.id) + 1):
            self._show_hint(level)
        self.set_interval(POLL_S, self._poll_draft)
        self.session.go("puzzle", chapter=self.puzzle.chapter, puzzle=self.puzzle.id)

    def _focus_moved(self) -> None:
        self.editor.show_keys(self.focused is self.editor)

    def _match_theme(self) -> None:
        self.editor.theme = "monokai" if self.app.current_theme.dark else "github_light"

    def _place_cursor(self) -> None:
        """Where the player left off; in a fresh draft, line 1, column 0 (the brief's comments
        are read first)."""
        editor = self.editor
        saved = self.session.cursor(self.puzzle.id)
        editor.move_cursor(self._clamp(*saved) if saved else (0, 0))
        editor.scroll_to(0, None, animate=False)  # a long line never hides column 0

    def _clamp(self, row: int, col: int) -> tuple[int, int]:
        doc = self.editor.document
        row = max(0, min(row, doc.line_count - 1))
        return row, max(0, min(col, len(doc.get_line(row))))

    def _report(self, problem: str | None) -> None:
        if problem:
            self.notify(problem, title="Could not save your draft", severity="error", timeout=10)

    # -- the draft file -------------------------------------------------------------------------
    @on(TextArea.Changed, "#editor")
    @on(TextArea.SelectionChanged, "#editor")
    def _edited(self) -> None:
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(SAVE_DELAY_S, self.flush_draft)

    def flush_draft(self) -> None:
        """Write the editor's text to the draft file (if changed) and save the cursor."""
        if self._save_timer is not None:
            self._save_timer.stop()
            self._save_timer = None
        if not self.is_mounted:
            return
        text = self.editor.text
        if text != self._disk_text:
            problem = self.session.write_draft(self.puzzle.id, text)
            self._report(problem)
            if problem is None:
                self._disk_text = text
                self._disk_signature = file_signature(self.session.draft_path(self.puzzle.id))
        row, col = self.editor.cursor_location
        self.session.set_cursor(self.puzzle.id, row, col)
        self.game.autosave()

    def _poll_draft(self) -> None:
        """Watch mode: an edit made outside the game reloads the editor and re-runs the quick
        checks (debounced, so an editor's several writes make one check)."""
        path = self.session.draft_path(self.puzzle.id)
        signature = file_signature(path)
        if signature is None or signature == self._disk_signature:
            return
        self._disk_signature = signature
        text = self.session.read_draft(self.puzzle.id)
        if text is None or text == self._disk_text:
            return
        self._disk_text = text
        if text != self.editor.text:
            row, col = self.editor.cursor_location
            self.editor.load_text(text)
            self.editor.cursor_location = self._clamp(row, col)
            self.notify("Your draft changed on disk: reloaded.", title="Draft", timeout=3)
        if self._reload_timer is not None:
            self._reload_timer.stop()
        self._reload_timer = self.set_timer(RELOAD_DELAY_S, self.action_quick_check)

    # -- checks ---------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel_check":
            return self.checking
        if action == "leave":
            return not self.checking
        if action in ("leave_editor", "select_all"):
            return self.focused is self.query_one("#editor")
        if action == "focus_editor":
            return self.focused is not self.query_one("#editor")
        return True

    def action_select_all(self) -> None:
        self.editor.select_all()

    def action_leave_editor(self) -> None:
        """Out of the editor, onto the verdict (the arrows scroll it; Tab comes back)."""
        self.results.body.focus()

    def action_focus_editor(self) -> None:
        self.editor.focus()

    def action_quick_check(self) -> None:
        self.run_check(quick=True)

    def action_submit(self) -> None:
        self.run_check(quick=False)

    @work(exclusive=True, exit_on_error=False, group="check")
    async def run_check(self, quick: bool) -> None:
        """Judge the draft (a new check replaces a running one, whose child is killed)."""
        self.flush_draft()
        self._serial += 1
        serial = self._serial
        source = self.editor.text
        status = self.query_one("#check-status", CheckStatus)
        status.start("Running quick checks (examples only)" if quick else "Submitting")
        self.results.mark_stale("Quick check running" if quick else "Submitting")
        self.checking = True
        note = ""
        result: Result | None = None
        try:
            # A verdict always comes within the wall limit; far past it the judge is stuck.
            result = await self.game.judge.verify(
                self.puzzle.id, source, quick=quick, device=self.session.settings.device,
                timeout=self.puzzle.spec.limits.wall_s + JUDGE_GRACE_S)
        except CheckCancelled:
            note = "Check cancelled: the run was stopped. Your draft is untouched."
        except JudgeUnavailable as exc:
            self.game.report_judge_down(str(exc))
            note = ("The judge stopped before it could answer. It restarts on your next check: "
                    "press F5 or F6 again. Your draft is saved.")
        finally:
            if serial == self._serial:
                self.checking = False
                status.stop()
                if self._cancel_timer is not None:
                    self._cancel_timer.stop()
                    self._cancel_timer = None
        if serial != self._serial:
            return
        if result is None:
            self.results.show_note(note, style="yellow")
        else:
            self.show_result(result)

    def show_result(self, result: Result) -> None:
        self.last_result = result
        self.game.judge_answered(result)
        self.results.show_result(result)
        if not result.quick:
            self.session.record_verdict(result)
            self.game.autosave()
        broken = [c for c in result.constraints if c.status == "fail" and c.line]
        if broken:
            self.jump_to(broken[0].line or 1, broken[0].col or 1)
        elif result.status is Status.RUNTIME_ERROR and result.traceback:
            lines = _TRACEBACK_LINE.findall(result.traceback)
            if lines:
                self.jump_to(int(lines[-1]), 1)
        elif result.status is Status.SYNTAX_ERROR and (found := _SYNTAX_LINE.search(
                result.message)):
            self.jump_to(int(found.group(1)), 1)
        if result.passed and not result.quick:
            from game.ui.screens.solved import SolvedScreen

            self.app.push_screen(SolvedScreen(self.puzzle, self.editor.text, result))

    def jump_to(self, line: int, col: int) -> None:
        """Select the offending line in the editor (1-based line and column)."""
        row = max(0, min(line - 1, self.editor.document.line_count - 1))
        self.editor.select_line(row)
        self.editor.scroll_cursor_visible(center=True)

    @on(RuleRow.Selected)
    def _rule_selected(self, event: RuleRow.Selected) -> None:
        self.jump_to(event.line, event.col)
        self.editor.focus()

    async def action_cancel_check(self) -> None:
        """Kill the running check's child. A cancel that reaches the judge before it starts the
        run is repeated until the check ends."""
        self.query_one("#check-status", CheckStatus).cancelling()
        await self.game.judge.cancel()
        if self._cancel_timer is None:
            self._cancel_timer = self.set_interval(0.5, self._cancel_again)

    async def _cancel_again(self) -> None:
        if self.checking:
            await self.game.judge.cancel()

    # -- hints, reset, own editor, leaving ------------------------------------------------------
    def action_hint(self) -> None:
        used = self.session.hints_used(self.puzzle.id)
        if used >= 3:
            self.notify("That was the last hint. The Professor believes in you.", title="Hints")
            self.query_one("#hints").scroll_visible()
            return
        level = used + 1
        self.session.record_hint(self.puzzle.id, level)
        self.game.autosave()
        self._show_hint(level)

    def _show_hint(self, level: int) -> None:
        hint = Static(hint_panel(self.puzzle, level), classes="hint")
        self.query_one("#hints", Vertical).mount(hint)
        self.call_after_refresh(hint.scroll_visible, animate=False)

    def action_reset(self) -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                self.editor.load_text(self.puzzle.starter)
                self.editor.cursor_location = (0, 0)
                self.flush_draft()
                self.results.show_note("Back to the starter code.")

        self.app.push_screen(ConfirmDialog(
            "Reset your draft to the starter code? Your current code will be replaced.",
            yes="Reset", no="Keep my code"), answered)

    def action_external_editor(self) -> None:
        """Open the draft in $VISUAL / $EDITOR; the game reloads it afterwards."""
        self.flush_draft()
        path = self.session.draft_path(self.puzzle.id)
        command = os.environ.get("VISUAL") or os.environ.get("EDITOR")
        if path is None:
            return
        if not command:
            self.notify(f"Set $EDITOR to open it from here, or edit {shown_path(path)} in any "
                        "editor: changes reload automatically.", title="Your own editor",
                        timeout=10)
            return
        try:
            with self.app.suspend():
                subprocess.call([*shlex.split(command), str(path)])
        except (SuspendNotSupported, OSError) as exc:
            reason = "this terminal cannot hand over" if isinstance(
                exc, SuspendNotSupported) else str(exc)
            self.notify(f"Could not open {command} ({reason}). Edit {shown_path(path)} in any "
                        "editor: changes reload automatically.", title="Your own editor",
                        timeout=10)
            return
        self._poll_draft()

    def action_leave(self) -> None:
        self.game.show_map(self.puzzle.chapter)

    def on_unmount(self) -> None:
        self._cancel_pending_timers()

    def _cancel_pending_timers(self) -> None:
        for timer in (self._save_timer, self._reload_timer, self._cancel_timer):
            if timer is not None:
                timer.stop()
