"""Rich renderables shared by the TUI and the headless commands: verdicts, hints, briefs and the
coloured value grids of worked examples. No textual, no torch."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.markdown import Markdown
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from game.core.content import Puzzle
from game.core.models import Example, Grid
from game.core.result import STATUS_LABEL, Result

HINT_SPEAKERS = ("Backprop the duck", "Prof. Torchenstein", "Prof. Torchenstein, sighing")


def _cell(value: int | float | bool) -> Text:
    """Positive, zero and negative stay distinguishable without colour: the sign is printed,
    zero is a dim `0`, and colour only reinforces it."""
    if isinstance(value, bool):
        return Text("T" if value else "F", style="bold green" if value else "dim")
    shown = f"{value:g}" if isinstance(value, float) else str(value)
    if value > 0:
        return Text(shown, style="bold cyan")
    if value < 0:
        return Text(shown, style="bold red")
    return Text(shown, style="dim")


def _depth(grid: Grid) -> int:
    return 1 + _depth(grid[0]) if isinstance(grid, list) and grid else (
        1 if isinstance(grid, list) else 0)


def value_grid(grid: Grid, title: str = "") -> RenderableType:
    """A scalar, a vector (one row) or a matrix as a boxed grid of coloured cells."""
    depth = _depth(grid)
    if depth == 0:
        body: RenderableType = _cell(grid)  # type: ignore[arg-type]
        return Panel(body, title=title, expand=False, padding=(0, 1),
                     width=max(len(str(grid)) + 4, len(title) + 6))
    rows = [grid] if depth == 1 else grid
    if depth > 2:
        return Panel(Text(str(grid)), title=title, expand=False)
    width = max((len(r) for r in rows), default=0)  # type: ignore[arg-type]
    table = Table(show_header=False, box=None, padding=(0, 1), pad_edge=False)
    for _ in range(max(width, 1)):
        table.add_column(justify="right")
    for row in rows:  # type: ignore[union-attr]
        table.add_row(*[_cell(v) for v in row]) if row else table.add_row(Text("(empty)",
                                                                                 style="dim"))
    cells = sum(max(len(str(v)) for v in r) + 1 if r else 8 for r in rows[:1])  # type: ignore
    return Panel(table, title=title, expand=False, padding=(0, 0),
                 width=max(cells + 2, len(title) + 6) if depth == 1 and len(rows[0]) <= 1
                 else None)


def render_example(example: Example) -> RenderableType:
    grids = [value_grid(v, k) for k, v in example.inputs.items()]
    grids.append(Text(" → ", style="bold"))
    grids.append(value_grid(example.output, "out"))
    row = Table.grid(padding=(0, 1))
    row.add_row(*grids)
    return Group(Text(example.call, style="bold"), row)


def render_brief(puzzle: Puzzle) -> RenderableType:
    parts: list[RenderableType] = [Markdown(puzzle.brief)]
    if puzzle.spec.examples:
        parts.append(Text("Worked examples (cyan > 0, red < 0, dim = 0):", style="italic"))
        parts += [render_example(e) for e in puzzle.spec.examples]
    parts.append(Panel(Text(puzzle.starter), title="starter.py", expand=False))
    return Panel(Group(*parts), title=f"{puzzle.id} — {puzzle.title}", title_align="left")


def hint_body(text: str) -> RenderableType:
    """A hint tier: prose as Markdown; a tier of several lines is code, shown as code (its line
    breaks and indentation are the point)."""
    if "\n" in text.strip():
        from rich.syntax import Syntax

        return Syntax(text.strip("\n"), "python", word_wrap=True, background_color="default")
    from rich.markdown import Markdown

    return Markdown(text)


def render_hint(puzzle: Puzzle, level: int) -> RenderableType:
    level = max(1, min(3, level))
    text = puzzle.spec.hints.tiers()[level - 1]
    more = f"  (level {level} of 3" + (
        f"; `--level {level + 1}` for the next)" if level < 3 else ")")
    return Panel(hint_body(text), title=f"{HINT_SPEAKERS[level - 1]} — {puzzle.id}",
                 subtitle=more, title_align="left")


def verdict_line(result: Result, *, full: bool = True) -> Text:
    """`✘ Wrong answer  act1.gelu · cpu · 61 ms`; without the puzzle and the device (which the
    screen around it already shows) when not `full`."""
    label, colour, symbol = STATUS_LABEL[result.status]
    facts = f"{result.puzzle} · {result.device} · " if full else ""
    return Text.assemble((f"{symbol} {label}", f"bold {colour}"), "  ",
                         (f"{facts}{result.duration_ms} ms", "dim"))


def render_result(result: Result) -> RenderableType:
    """The verdict as a panel: status, message, each test, each broken rule, metrics."""
    parts: list[RenderableType] = [verdict_line(result), Text(result.message)]
    failed_rules = [c for c in result.constraints if c.status == "fail"]
    if failed_rules:
        rules = Table("line", "rule", "what", box=None, show_header=True)
        for c in failed_rules:
            where = f"{c.line}:{c.col}" if c.line else "run time"
            rules.add_row(where, c.rule, c.message)
        parts.append(rules)
    if result.tests:
        tests = Table("", "test", "detail", box=None, show_header=False)
        shown = False
        for t in result.tests:
            mark = {"pass": ("✔", "green"), "fail": ("✘", "red"), "error": ("⚡", "red"),
                    "not_run": ("·", "dim")}[t.status]
            detail = ""
            if t.status == "fail" and not shown:
                # The first failure in full; the rest by kind, to keep the verdict readable.
                detail = f"inputs:   {t.inputs}\nexpected: {t.expected}\ngot:      {t.actual}"
                shown = True
            elif t.status == "fail":
                detail = f"{t.mismatch or 'wrong'}"
            elif t.status == "error":
                detail = "raised an error"
            tests.add_row(Text(mark[0], style=mark[1]), t.name, detail)
        parts.append(tests)
    m = result.metrics
    facts = [f"{m.lines} lines" if m.lines is not None else "",
             f"{m.chars} chars" if m.chars is not None else "",
             f"{m.time_ratio:g}× reference time" if m.time_ratio is not None else ""]
    parts.append(Text(" · ".join(f for f in facts if f), style="dim"))
    if any(t.seed is not None for t in result.tests):
        seed = next(t.seed for t in result.tests if t.seed is not None)
        parts.append(Text(f"seed {seed} (replay with --seed {seed})", style="dim"))
    colour = STATUS_LABEL[result.status][1]
    return Panel(Group(*parts), border_style=colour, title="verdict", title_align="left")
