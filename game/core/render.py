"""Rich renderables shared by the TUI and the headless commands: verdicts, hints, briefs and the
coloured value grids of worked examples. No textual, no torch."""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.measure import Measurement
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from game.core.content import Puzzle
from game.core.models import Example, Grid
from game.core.result import STATUS_LABEL, Result
from game.core.verdict import (
    case_rows,
    diagnosis,
    metrics_facts,
    nothing_ran,
    nothing_ran_line,
    seed_of,
)

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


def _boxed(body: RenderableType, title: str, content_width: int,
           padding: tuple[int, int] = (0, 0)) -> Panel:
    """A panel just wide enough for its content and for its whole title (`╭─ out ─╮`)."""
    width = max(content_width + 2 + 2 * padding[1], len(title) + 6 if title else 0)
    return Panel(body, title=title, expand=False, padding=padding, width=width)


def value_grid(grid: Grid, title: str = "") -> RenderableType:
    """A scalar, a vector (one row) or a matrix as a boxed grid of coloured cells."""
    depth = _depth(grid)
    if depth == 0:
        cell = _cell(grid)
        cell.justify = "center"
        return _boxed(cell, title, cell.cell_len, padding=(0, 1))
    if depth > 2:
        text = Text(str(grid))
        return _boxed(text, title, text.cell_len)
    rows: list[list[int | float | bool]] = [grid] if depth == 1 else grid
    cells = [[_cell(v) for v in row] for row in rows]
    columns = max((len(row) for row in cells), default=0)
    if columns == 0:
        empty = Text("(empty)", style="dim")
        return _boxed(empty, title, empty.cell_len)
    widths = [max((row[c].cell_len for row in cells if c < len(row)), default=0)
              for c in range(columns)]
    table = Table(show_header=False, box=None, padding=(0, 1), pad_edge=False)
    for _ in range(columns):
        table.add_column(justify="right")
    for row in cells:
        table.add_row(*row)
    return _boxed(table, title, sum(widths) + 2 * (columns - 1))


class Flow:
    """Renderables side by side, as many as fit on a line; the next one starts a new line whole
    (like words in a paragraph), so a box is never cut or interleaved with its neighbour."""

    def __init__(self, items: list[RenderableType], gap: int = 1) -> None:
        self.items = items
        self.gap = gap

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        lines: list[list[RenderableType]] = [[]]
        used = 0
        for item in self.items:
            width = Measurement.get(console, options, item).maximum
            if lines[-1] and used + self.gap + width > options.max_width:
                lines.append([])
                used = 0
            used += width + (self.gap if lines[-1] else 0)
            lines[-1].append(item)
        for line in lines:
            grid = Table.grid(padding=(0, self.gap))
            for _ in line:
                grid.add_column()
            grid.add_row(*line)
            yield grid


def render_example(example: Example) -> RenderableType:
    """The call, then its inputs → output as boxes side by side; a box that does not fit moves
    to the next line whole (a matrix is never cut into interleaved lines)."""
    grids = [value_grid(v, k) for k, v in example.inputs.items()]
    grids.append(Text("\n→", style="bold"))
    grids.append(value_grid(example.output, "out"))
    return Group(Text(example.call, style="bold"), Flow(grids))


def render_brief(puzzle: Puzzle) -> RenderableType:
    from rich.markdown import Markdown  # markdown-it: only for the briefs and hints

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
    """The verdict as a panel, worded as the game words it: the headline and the diagnosis
    first, then each broken rule, the traceback (once), each test (or "nothing was run"), and
    the figures."""
    parts: list[RenderableType] = [verdict_line(result), Text(diagnosis(result))]
    failed_rules = [c for c in result.constraints if c.status == "fail"]
    if failed_rules:
        rules = Table("line", "rule", "what", box=None, show_header=True)
        for c in failed_rules:
            where = f"{c.line}:{c.col}" if c.line else "run time"
            rules.add_row(where, c.rule, c.message)
        parts.append(rules)
    if result.traceback:
        parts.append(Panel(Text(result.traceback), title="traceback", title_align="left",
                           border_style="red", expand=False))
    if result.tests and nothing_ran(result):
        parts.append(Text(nothing_ran_line(result), style="dim"))
    elif result.tests:
        tests = Table("", "test", "detail", box=None, show_header=False)
        shown = False
        for t in result.tests:
            mark = {"pass": ("✔", "green"), "fail": ("✘", "red"), "error": ("⚡", "red"),
                    "not_run": ("·", "dim")}[t.status]
            detail = ""
            if t.status == "fail" and not shown:
                # The first failure in full; the rest by kind, to keep the verdict readable.
                rows = [(label, value) for label, value in case_rows(t, result)
                        if label != "printed"]
                detail = "\n".join(f"{label + ':':9} {value}" for label, value in rows)
                shown = True
            elif t.status == "fail":
                detail = f"{t.mismatch or 'wrong'}"
            elif t.status == "error":
                detail = "raised an error"
            tests.add_row(Text(mark[0], style=mark[1]), t.name, detail)
        parts.append(tests)
    facts = metrics_facts(result)
    if facts:
        parts.append(Text(" · ".join(facts), style="dim"))
    seed = seed_of(result)
    if seed is not None and not nothing_ran(result):
        parts.append(Text(f"seed {seed} (replay with --seed {seed})", style="dim"))
    colour = STATUS_LABEL[result.status][1]
    return Panel(Group(*parts), border_style=colour, title="verdict", title_align="left")
