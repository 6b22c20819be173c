"""The command line: `python -m game` plays; the sub-commands use the same engine headless."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from game import __version__

EXIT_PASS, EXIT_FAIL, EXIT_USAGE = 0, 1, 2

DESCRIPTION = """\
Torchenstein: a narrative terminal adventure that teaches PyTorch.

With no command, opens the game on the most recent save slot. The commands below use the same
puzzle engine without the interface: solve puzzles in your own editor, check them from a
terminal or CI, and author new ones."""

EPILOG = """\
examples:
  python -m game                           play (continues the last slot)
  python -m game --slot ada                play on slot 'ada' (created when new)
  python -m game list                      every puzzle, in story order
  python -m game verify act1.gelu my.py    judge my.py against the GELU puzzle
  python -m game hint act1.gelu --level 2  the second hint tier
  python -m game author check              every reference passes, every mutant fails

verify exits 0 on pass, 1 on any other verdict, 2 on a usage error."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m game", description=DESCRIPTION, epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"torchenstein {__version__}")
    parser.add_argument("--slot", metavar="NAME", help="save slot to play on (created when new)")
    parser.add_argument("--saves-dir", metavar="DIR",
                        help="folder of save slots (default: saves/, or $TORCHENSTEIN_SAVES)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("list", help="chapters and puzzles: id, title, chapter, entry, status")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.add_argument("--slot", metavar="NAME", default=argparse.SUPPRESS,
                   help="whose progress to show (default: the last played slot)")
    p.add_argument("--saves-dir", metavar="DIR", default=argparse.SUPPRESS,
                   help="folder of save slots")

    p = sub.add_parser("verify", help="judge a solution file against a puzzle")
    p.add_argument("id", help="puzzle id, e.g. act1.gelu")
    p.add_argument("file", help="Python file defining the puzzle's entry point")
    p.add_argument("--json", action="store_true", help="print the result object as JSON")
    p.add_argument("--device", choices=["auto", "cpu", "cuda", "mps"], default="auto",
                   help="where to run (default: auto = CUDA, then MPS, then CPU)")
    p.add_argument("--seed", type=int, help="replay the random cases of an earlier run")
    p.add_argument("--quick", action="store_true", help="run the examples only")

    p = sub.add_parser("hint", help="show a puzzle's hints, one tier at a time")
    p.add_argument("id", help="puzzle id")
    p.add_argument("--level", type=int, default=1, choices=[1, 2, 3],
                   help="1: the duck's question, 2: the idea, 3: almost the answer")

    p = sub.add_parser("brief", help="show a puzzle's brief and starter code")
    p.add_argument("id", help="puzzle id")

    p = sub.add_parser("saves", help="save slots with chapter and progress")
    p.add_argument("--saves-dir", metavar="DIR", default=argparse.SUPPRESS,
                   help="folder of save slots")

    p = sub.add_parser("author", help="tools for puzzle authors")
    author = p.add_subparsers(dest="author_command", metavar="ACTION", required=True)
    c = author.add_parser("check", help="references pass; starters and mutants fail as declared")
    c.add_argument("ids", nargs="*", metavar="ID", help="puzzles to check (default: all)")
    c.add_argument("--seed", type=int, help="fix the random cases")
    return parser


def _catalog():
    from game.core.content import load_catalog

    catalog = load_catalog()
    for problem in catalog.problems:
        print(f"warning: {problem}", file=sys.stderr)
    return catalog


def _progress(args: argparse.Namespace):
    """Progress of `--slot` (or the last played slot), read without locking or writing."""
    from game.core.paths import saves_dir
    from game.core.progress import Progress
    from game.core.saves import SaveError, SaveStore, last_played_slot, parse_save

    store = SaveStore(saves_dir(args.saves_dir))
    slot = args.slot or last_played_slot(store)
    path = store.slot_path(slot) / "state.json" if slot else None
    if path is None or not path.is_file():
        return Progress()
    try:
        state = parse_save(path.read_bytes(), slot=slot, path=path)
    except (SaveError, OSError) as exc:
        print(f"warning: {exc}", file=sys.stderr)
        return Progress()
    return Progress.of(state.solved_ids(), state.scenes_seen)


def cmd_list(args: argparse.Namespace) -> int:
    from game.core.progress import puzzle_state

    catalog = _catalog()
    progress = _progress(args)
    rows = [{"id": p.id, "title": p.title, "chapter": p.chapter, "entry": p.spec.entry,
             "signature": p.spec.signature, "kind": p.spec.kind,
             "status": puzzle_state(catalog, p.id, progress)}
            for p in catalog.ordered_puzzles()]
    if args.json:
        chapters = [{"id": c.id, "title": c.title, "side_quest": c.spec.side_quest,
                     "puzzles": c.puzzle_ids()} for c in catalog.chapters]
        print(json.dumps({"chapters": chapters, "puzzles": rows}, indent=2))
        return EXIT_PASS
    from rich.console import Console
    from rich.table import Table

    console = Console()
    # An id is what the player types next, so it is never cut; the full signature only fits wide.
    wide = console.width >= 130
    table = Table(title="Torchenstein puzzles", title_justify="left")
    table.add_column("id", no_wrap=True, min_width=max((len(r["id"]) for r in rows), default=2))
    table.add_column("title", ratio=1)
    table.add_column("status", no_wrap=True)
    table.add_column("signature" if wide else "entry", ratio=1 if wide else None, overflow="fold")
    for row in rows:
        table.add_row(row["id"], row["title"], row["status"],
                      row["signature"] if wide else row["entry"])
    console.print(table)
    return EXIT_PASS


def _read_submission(path: str) -> bytes | None:
    try:
        with open(path, "rb") as fh:
            return fh.read(1 << 24)
    except OSError as exc:
        print(f"error: cannot read {path}: {exc.strerror or exc}", file=sys.stderr)
        return None


def cmd_verify(args: argparse.Namespace) -> int:
    catalog = _catalog()
    if args.id not in catalog.puzzles:
        print(f"error: unknown puzzle {args.id!r}; `python -m game list` shows them all",
              file=sys.stderr)
        return EXIT_USAGE
    source = _read_submission(args.file)
    if source is None:
        return EXIT_USAGE
    from game.engine.judge import Judge

    with Judge(catalog, device=args.device) as judge:
        result = judge.verify(args.id, source, quick=args.quick, seed=args.seed)
    if args.json:
        sys.stdout.write(result.model_dump_json() + "\n")
    else:
        from rich.console import Console

        from game.core.render import render_result

        Console().print(render_result(result))
    return EXIT_PASS if result.passed else EXIT_FAIL


def _show(args: argparse.Namespace, render) -> int:
    """Print `render(puzzle)` for the puzzle named by `args.id`."""
    catalog = _catalog()
    try:
        puzzle = catalog.puzzle(args.id)
    except KeyError as exc:
        print(f"error: {exc.args[0]}", file=sys.stderr)
        return EXIT_USAGE
    from rich.console import Console

    Console().print(render(puzzle))
    return EXIT_PASS


def cmd_hint(args: argparse.Namespace) -> int:
    from game.core.render import render_hint

    return _show(args, lambda puzzle: render_hint(puzzle, args.level))


def cmd_brief(args: argparse.Namespace) -> int:
    from game.core.render import render_brief

    return _show(args, render_brief)


def cmd_saves(args: argparse.Namespace) -> int:
    from game.core.paths import saves_dir
    from game.core.saves import SaveStore, format_slot_table

    catalog = _catalog()
    store = SaveStore(saves_dir(args.saves_dir))
    print(format_slot_table(store.list_slots(total_puzzles=len(catalog.puzzles))))
    return EXIT_PASS


def cmd_author(args: argparse.Namespace) -> int:
    from game.engine.author import run_author_check

    catalog = _catalog()
    unknown = [i for i in args.ids if i not in catalog.puzzles]
    if unknown:
        print(f"error: unknown puzzle(s): {', '.join(unknown)}", file=sys.stderr)
        return EXIT_USAGE
    ok = run_author_check(catalog, args.ids or None, seed=args.seed)
    return EXIT_PASS if ok and not catalog.problems else EXIT_FAIL


def cmd_play(args: argparse.Namespace) -> int:
    from game.ui.app import run

    return run(slot=args.slot, saves=Path(args.saves_dir) if args.saves_dir else None)


COMMANDS = {"list": cmd_list, "verify": cmd_verify, "hint": cmd_hint, "brief": cmd_brief,
            "saves": cmd_saves, "author": cmd_author}


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run it; returns the exit code."""
    args = _parser().parse_args(argv)
    handler = COMMANDS.get(args.command or "", cmd_play)
    try:
        return handler(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
