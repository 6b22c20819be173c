"""The results panel: the verdict in words, colour and symbol, one expandable row per test,
the rules broken (clickable: they move the editor to the line), the traceback and the metrics."""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from textual import on
from textual.containers import VerticalScroll
from textual.events import Click
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Collapsible, Static

from game.core.render import verdict_line
from game.core.result import ConstraintResult, Result, TestResult
from game.ui.widgets.figures import figure_gallery

TEST_MARK = {"pass": ("✔", "green"), "fail": ("✘", "red"), "error": ("⚡", "red"),
             "not_run": ("·", "bright_black")}


def metrics_line(result: Result) -> Text:
    m = result.metrics
    facts = [f"{m.lines} lines" if m.lines is not None else "",
             f"{m.chars} chars" if m.chars is not None else "",
             f"{m.time_ratio:g}× reference time" if m.time_ratio is not None else ""]
    seed = next((t.seed for t in result.tests if t.seed is not None), None)
    if seed is not None:
        facts.append(f"seed {seed}")
    return Text(" · ".join(f for f in facts if f), style="dim")


def test_details(test: TestResult) -> RenderableType:
    """What was run and what came back, as a two-column grid."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    rows = [("why", test.message), ("inputs", test.inputs), ("expected", test.expected),
            ("got", test.actual), ("printed", test.output.rstrip())]
    for label, value in rows:
        if value:
            grid.add_row(label, Text(value))
    if not any(value for _, value in rows):
        grid.add_row("", Text("not run: an earlier problem stopped the run", style="dim"))
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


class ResultsPanel(VerticalScroll):
    """Shows the latest verdict; rebuilt for each result (it never holds the editor)."""

    DEFAULT_CSS = """
    ResultsPanel { height: 1fr; }
    """

    def on_mount(self) -> None:
        self.show_note("Press F5 for quick checks (the examples only) or F6 to submit.")

    def _replace(self, *widgets: Widget) -> None:
        self.remove_children()
        self.mount_all(widgets)
        self.scroll_home(animate=False)
        # Once laid out too: the verdict's headline is what a player reads first.
        self.call_after_refresh(self.scroll_home, animate=False)

    def show_note(self, text: str, style: str = "dim") -> None:
        self.remove_class(*(c for c in self.classes if c.startswith("status-")))
        self._replace(Static(Text(text, style=style), classes="results-note"))

    def show_result(self, result: Result) -> None:
        label = " (quick check: examples only)" if result.quick else ""
        head = verdict_line(result)
        head.append(label, style="italic dim")
        message = Text(result.message)
        if result.quick and result.passed:
            message.append("  The examples pass: F6 submits for the full verdict.",
                           style="bold")
        widgets: list[Widget] = [Static(head, classes="verdict"),
                                 Static(message, classes="verdict-message")]
        widgets += [RuleRow(c) for c in result.constraints if c.status == "fail"]
        if result.traceback:
            widgets.append(Static(Text(result.traceback), classes="traceback"))
        first_failure = next((i for i, t in enumerate(result.tests)
                              if t.status in ("fail", "error")), None)
        for i, test in enumerate(result.tests):
            symbol, _ = TEST_MARK[test.status]
            mismatch = f" — {test.mismatch}" if test.mismatch else ""
            widgets.append(Collapsible(Static(test_details(test)),
                                       title=f"{symbol} {test.name}{mismatch}",
                                       collapsed=i != first_failure,
                                       classes=f"test-row test-{test.status}"))
        widgets += figure_gallery(result.figures)
        widgets.append(Static(metrics_line(result), classes="metrics"))
        self.remove_class(*(c for c in self.classes if c.startswith("status-")))
        self.add_class(f"status-{result.status.value}")
        self._replace(*widgets)

    @on(Collapsible.Expanded)
    def _reveal(self, event: Collapsible.Expanded) -> None:
        self.call_after_refresh(event.collapsible.scroll_visible, animate=False)
