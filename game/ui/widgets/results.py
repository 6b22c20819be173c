"""The results panel: the verdict in words, colour and symbol, one expandable row per test,
the rules broken (clickable: they move the editor to the line), the traceback and the metrics."""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.events import Click
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Collapsible, Static

from game.core.render import verdict_line
from game.core.result import ConstraintResult, Result, TestResult
from game.core.verdict import (
    case_rows,
    diagnosis,
    first_failure,
    metrics_facts,
    nothing_ran,
    nothing_ran_line,
    seed_of,
)
from game.ui.widgets.figures import figure_gallery

TEST_MARK = {"pass": ("✔", "green"), "fail": ("✘", "red"), "error": ("⚡", "red"),
             "not_run": ("·", "bright_black")}


def metrics_line(result: Result) -> Text:
    facts = metrics_facts(result)
    seed = seed_of(result)
    if seed is not None and not nothing_ran(result):
        facts.append(f"seed {seed}")
    return Text(" · ".join(facts), style="dim")


def test_details(test: TestResult, result: Result) -> RenderableType:
    """What was run and what came back, as a two-column grid (without what the verdict's
    diagnosis already says)."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    rows = case_rows(test, result)
    for label, value in rows:
        grid.add_row(label, Text(value))
    if not rows:
        text = "not run: an earlier problem stopped the run" if test.status == "not_run" \
            else "the verdict above says what went wrong"
        grid.add_row("", Text(text, style="dim"))
    return grid


class RuleRow(Static):
    """A broken rule; clicking it (or Enter) moves the editor to its line."""

    can_focus = True

    @dataclass
    class Selected(Message):
        line: int
        col: int

    def __init__(self, rule: ConstraintResult) -> None:
        where = f"line {rule.line}:{rule.col or 1}" if rule.line else "at run time"
        super().__init__(Text.assemble(("⛔ ", "magenta"), (f"{where}  ", "bold"), rule.message),
                         classes="rule-row")
        self.rule = rule

    def _select(self) -> None:
        if self.rule.line:
            self.post_message(self.Selected(self.rule.line, self.rule.col or 1))

    def on_click(self, event: Click) -> None:
        self._select()

    def key_enter(self) -> None:
        self._select()


class ResultsPanel(Vertical):
    """The latest verdict: its headline and diagnosis pinned at the top, the broken rules, the
    traceback and the cases scrolling below. While a new check runs the previous verdict stays,
    marked stale, until the new one replaces it (the panel is never blank). It never holds the
    editor."""

    DEFAULT_CSS = """
    ResultsPanel { height: 1fr; }
    ResultsPanel > #verdict-head { height: auto; }
    ResultsPanel > #verdict-body { height: 1fr; }
    ResultsPanel.stale > #verdict-body { opacity: 60%; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._head_content: RenderableType = Text("")
        self.has_verdict = False

    def compose(self) -> ComposeResult:
        yield Static(id="verdict-head")
        yield VerticalScroll(id="verdict-body")

    def on_mount(self) -> None:
        self.show_note("Press F5 for quick checks (the examples only) or F6 to submit.")

    @property
    def head(self) -> Static:
        return self.query_one("#verdict-head", Static)

    @property
    def body(self) -> VerticalScroll:
        return self.query_one("#verdict-body", VerticalScroll)

    def _replace(self, head: RenderableType, *widgets: Widget) -> None:
        """The new verdict goes in before the old one goes out: no blank frame between them."""
        self.remove_class("stale")
        self.head.update(head)
        body = self.body
        old = list(body.children)
        body.mount_all(widgets)
        body.remove_children(old)
        body.scroll_home(animate=False)

    def mark_stale(self, what: str) -> None:
        """A new check started: the verdict shown is the previous one, and says so."""
        if not self.has_verdict:
            self.head.update(Text.assemble(("⟳ ", "bold yellow"), (f"{what}…", "bold")))
            return
        self.add_class("stale")
        line = Text.assemble(("⟳ ", "bold yellow"), (f"{what}… ", "bold"),
                             ("below: the previous verdict", "italic dim"))
        self.head.update(Group(line, self._head_content))

    def show_note(self, text: str, style: str = "dim") -> None:
        self.has_verdict = False
        self.remove_class(*(c for c in self.classes if c.startswith("status-")))
        self._head_content = Text(text, style=style)
        self._replace(self._head_content)
        self.head.set_class(True, "results-note")

    def show_result(self, result: Result) -> None:
        label = " (quick check: examples only)" if result.quick else ""
        headline = verdict_line(result, full=False)
        headline.append(label, style="italic dim")
        message = Text(diagnosis(result))
        if result.quick and result.passed:
            message.append("  The examples pass: F6 submits for the full verdict.",
                           style="bold")
        self._head_content = Group(headline, message)
        widgets: list[Widget] = [RuleRow(c) for c in result.constraints if c.status == "fail"]
        if result.traceback:
            widgets.append(Static(Text(result.traceback), classes="traceback"))
        if nothing_ran(result):
            widgets.append(Static(Text(nothing_ran_line(result), style="dim"),
                                  classes="nothing-ran"))
        else:
            opened = first_failure(result)
            for i, test in enumerate(result.tests):
                symbol, _ = TEST_MARK[test.status]
                mismatch = f" — {test.mismatch}" if test.mismatch else ""
                widgets.append(Collapsible(Static(test_details(test, result)),
                                           title=f"{symbol} {test.name}{mismatch}",
                                           collapsed=i != opened,
                                           classes=f"test-row test-{test.status}"))
        widgets += figure_gallery(result.figures)
        widgets.append(Static(metrics_line(result), classes="metrics"))
        self.remove_class(*(c for c in self.classes if c.startswith("status-")))
        self.add_class(f"status-{result.status.value}")
        self._replace(self._head_content, *widgets)
        self.has_verdict = True
        self.head.set_class(False, "results-note")

    @on(Collapsible.Expanded)
    def _reveal(self, event: Collapsible.Expanded) -> None:
        self.call_after_refresh(event.collapsible.scroll_visible, animate=False)
