"""The command line: `python -m game` plays; the sub-commands use the same engine headless."""

from __future__ import annotations

import argparse
import json
import os
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
  {prog}                           play (continues the last slot)
  {prog} --slot ada                play on slot 'ada' (created when new)
  {prog} list                      every puzzle, in story order
  {prog} verify act1.gelu my.py    judge my.py against the GELU puzzle
  {prog} hint act1.gelu --level 2  the second hint tier
  {prog} author check              every reference passes, every mutant fails
  {prog} serve --port 8000         play in a browser at http://127.0.0.1:8000

list and verify use the last played save slot, or --slot NAME, and say which; a full verify
(not --quick) is recorded there, as F6 in the game records it. verify exits 0 on pass, 1 on
any other verdict, 2 on a usage error."""

SLOT_HELP = "save slot to read and record on (default: the last played slot)"


def program_name() -> str:
    """`torchenstein` when run through the installed script, else `python -m game`."""
    return "torchenstein" if os.path.basename(sys.argv[0]) == "torchenstein" \
        else "python -m game"


def _parser() -> argparse.ArgumentParser:
    prog = program_name()
    parser = argparse.ArgumentParser(
        prog=prog, description=DESCRIPTION, epilog=EPILOG.format(prog=f"{prog:14}"),
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"torchenstein {__version__}")
    parser.add_argument("--slot", metavar="NAME", help="save slot to play on (created when new)")
    parser.add_argument("--saves-dir", metavar="DIR",
                        help="folder of save slots (default: $TORCHENSTEIN_SAVES, else saves/ "
                             "in a clone, else the user data folder)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    what = "puzzles in story order, one table per chapter: id, title, status, entry point"
    p = sub.add_parser("list", help=what, description=f"{what[0].upper()}{what[1:]}. The "
                       "status (solved, open, locked) is the progress of the last played save "
                       "slot, or of --slot NAME; the first line says which.")
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
    p.add_argument("--quick", action="store_true", help="run the examples only (not recorded)")
    p.add_argument("--slot", metavar="NAME", default=argparse.SUPPRESS, help=SLOT_HELP)
    p.add_argument("--saves-dir", metavar="DIR", default=argparse.SUPPRESS,
                   help="folder of save slots")

    p = sub.add_parser("hint", help="show a puzzle's hints, one tier at a time")
    p.add_argument("id", help="puzzle id")
    p.add_argument("--level", type=int, default=1, choices=[1, 2, 3],
                   help="1: the duck's question, 2: the idea, 3: almost the answer")

    p = sub.add_parser("brief", help="show a puzzle's brief and starter code")
    p.add_argument("id", help="puzzle id")

    p = sub.add_parser("saves", help="save slots with chapter and progress")
    p.add_argument("--saves-dir", metavar="DIR", default=argparse.SUPPRESS,
                   help="folder of save slots")

    p = sub.add_parser("serve", help="play in a web browser (listens on 127.0.0.1 only)")
    p.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000)")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default: 127.0.0.1, this computer only; any "
                        "other lets whoever reaches it run code here)")
    p.add_argument("--slot", metavar="NAME", default=argparse.SUPPRESS,
                   help="save slot every browser session plays on")
    p.add_argument("--saves-dir", metavar="DIR", default=argparse.SUPPRESS,
                   help="folder of save slots")

    p = sub.add_parser("author", help="tools for puzzle authors")
    author = p.add_subparsers(dest="author_command", metavar="ACTION", required=True)
    c = author.add_parser("check", help="references pass; starters and mutants fail as declared")
    c.add_argument("ids", nargs="*", metavar="ID", help="puzzles to check (default: all)")
    c.add_argument("--seed", type=int, help="fix the random cases")

    p = sub.add_parser("doctor", help="which sandbox layers this machine supports and uses")
    p.add_argument("--json", action="store_true", help="print JSON instead of words")
    return parser


def _catalog():
    from game.core.content import load_catalog

    catalog = load_catalog()
    for problem in catalog.problems:
        print(f"warning: {problem}", file=sys.stderr)
    return catalog


def _store(args: argparse.Namespace):
    from game.core.paths import saves_dir
    from game.core.saves import SaveStore

    return SaveStore(saves_dir(args.saves_dir))


def _progress(args: argparse.Namespace):
    """The chosen slot (`--slot`, else the last played) and its progress, read without
    locking or writing anything."""
    from game.core.progress import Progress
    from game.core.records import choose_slot
    from game.core.saves import SaveError, parse_save

    chosen = choose_slot(_store(args), args.slot)
    if chosen.name is None:
        return chosen, Progress()
    path = _store(args).slot_path(chosen.name) / "state.json"
    if not path.is_file():
        return chosen, Progress()
    try:
        state = parse_save(path.read_bytes(), slot=chosen.name, path=path)
    except (SaveError, OSError) as exc:
        print(f"warning: {exc}", file=sys.stderr)
        return chosen, Progress()
    return chosen, Progress.of(state.solved_ids(), state.scenes_seen)


def cmd_list(args: argparse.Namespace) -> int:
    from game.core.progress import puzzle_state

    catalog = _catalog()
    chosen, progress = _progress(args)
    rows = [{"id": p.id, "title": p.title, "chapter": p.chapter, "entry": p.spec.entry,
             "signature": p.spec.signature, "kind": p.spec.kind,
             "status": puzzle_state(catalog, p.id, progress)}
            for p in catalog.ordered_puzzles()]
    if args.json:
        chapters = [{"id": c.id, "title": c.title, "side_quest": c.spec.side_quest,
                     "puzzles": c.puzzle_ids()} for c in catalog.chapters]
        print(json.dumps({"slot": chosen.name, "chapters": chapters, "puzzles": rows},
                         indent=2))
        return EXIT_PASS
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if chosen.name:
        console.print(f"Progress of {chosen.describe()}.")
    else:
        console.print(f"Progress of a new game ({chosen.why}).")
    # One table per chapter, with the same columns. An id is what the player types next, so it
    # is never cut; the full signature only fits wide.
    wide = console.width >= 130
    id_width = max((len(r["id"]) for r in rows), default=2)
    entry_width = max((len(r["entry"]) for r in rows), default=5)
    titles = {c.id: c.title for c in catalog.chapters}
    for chapter in dict.fromkeys(r["chapter"] for r in rows):
        table = Table(title=titles.get(chapter, chapter), title_justify="left",
                      title_style="bold", expand=True)
        table.add_column("id", no_wrap=True, min_width=id_width)
        table.add_column("title", ratio=1)
        table.add_column("status", no_wrap=True, min_width=6)
        table.add_column("signature" if wide else "entry", ratio=1 if wide else None,
                         min_width=None if wide else min(entry_width, 20), overflow="fold")
        for row in rows:
            if row["chapter"] == chapter:
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
        print(f"error: unknown puzzle {args.id!r}; `{program_name()} list` shows them all",
              file=sys.stderr)
        return EXIT_USAGE
    source = _read_submission(args.file)
    if source is None:
        return EXIT_USAGE
    from game.engine.judge import Judge

    with Judge(catalog, device=args.device, warm=False) as judge:  # one verdict
        result = judge.verify(args.id, source, quick=args.quick, seed=args.seed)
    _record(args, result)
    if args.json:
        sys.stdout.write(result.model_dump_json() + "\n")
    else:
        from rich.console import Console

        from game.core.render import render_result

        Console().print(render_result(result))
        if result.figures:
            from game.core.figure_text import render_figures

            Console().print(render_figures(result.figures))
    return EXIT_PASS if result.passed else EXIT_FAIL


def _record(args: argparse.Namespace, result) -> None:
    """A full verdict counts on the chosen slot, as F6 does in the game; the note goes to
    stderr, so that `--json` prints one document on stdout."""
    from game.core.records import choose_slot, record_on_slot

    if result.quick:
        return
    store = _store(args)
    chosen = choose_slot(store, args.slot)
    if chosen.name is None:
        print(f"progress: not recorded ({chosen.why})", file=sys.stderr)
        return
    note = record_on_slot(store, chosen.name, result, create=args.slot is not None)
    print(f"progress: {note}" + ("" if args.slot else " (the last played; --slot NAME picks "
                                                      "another)"), file=sys.stderr)


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
    from game.core.saves import format_slot_table

    catalog = _catalog()
    store = _store(args)
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


def cmd_serve(args: argparse.Namespace) -> int:
    from game.serve import serve

    return serve(host=args.host, port=args.port, slot=args.slot, saves_dir=args.saves_dir)


def cmd_doctor(args: argparse.Namespace) -> int:
    from game.engine.doctor import main as doctor

    return doctor(as_json=args.json)


COMMANDS = {"list": cmd_list, "verify": cmd_verify, "hint": cmd_hint, "brief": cmd_brief,
            "saves": cmd_saves, "author": cmd_author, "serve": cmd_serve, "doctor": cmd_doctor}


# Commands that have written all they say and closed their judge when they return.
HEADLESS = {"list", "verify", "hint", "brief", "saves", "author", "doctor"}


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run it; returns the exit code."""
    return _dispatch(_parser().parse_args(argv))


def _dispatch(args: argparse.Namespace) -> int:
    handler = COMMANDS.get(args.command or "", cmd_play)
    try:
        return handler(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def run() -> None:
    """The program's entry point (`torchenstein`, `python -m game`). After a headless command
    the interpreter's teardown is skipped: everything is written and closed, and unwinding
    torch's C++ registries alone takes about half a second of the player's wait."""
    args = _parser().parse_args()
    code = _dispatch(args)
    if args.command in HEADLESS:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except OSError:  # a closed pipe (`| head`): nothing more can be said
            code = code or 1
        os._exit(code)
    raise SystemExit(code)
