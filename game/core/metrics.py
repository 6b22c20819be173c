"""How a solution measures up: the lines the player wrote and the characters of a one-line answer.

The judge reports these figures and the solved screen counts the Professor's solution the same
way, so both live here, apart from the engine's rules. No torch, no textual.
"""

from __future__ import annotations

import ast
import re

_LINE_END = re.compile(r"\r\n|\r|\n")
_UNPARSABLE = (SyntaxError, ValueError, RecursionError, MemoryError)


def physical_lines(source: str) -> list[str]:
    """The source's lines as Python numbers them: only \\n, \\r\\n and \\r end a line
    (`str.splitlines` also splits at form feeds, \\x1c-\\x1e, \\u2028 and others)."""
    lines = _LINE_END.split(source)
    return lines[:-1] if lines and lines[-1] == "" else lines


def _is_code(line: str) -> bool:
    text = line.strip()
    return bool(text) and not text.startswith("#")


def _given_lines(tree: ast.Module, entry: str | None) -> set[int]:
    """1-based lines the starter gives every player: imports, the entry's `def`/`class` header
    (decorators and a signature over several lines included) and its docstring."""
    given: set[int] = set()
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            given.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
        elif (entry is not None and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                      ast.ClassDef)) and node.name == entry):
            start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            body = node.body
            first = body[0]
            if (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
                    and isinstance(first.value.value, str)):
                given.update(range(first.lineno, (first.end_lineno or first.lineno) + 1))
                first = body[1] if len(body) > 1 else first
            given.update(range(start, max(first.lineno, node.lineno + 1)))
    return given


def count_lines(source: str, entry: str | None = None) -> int:
    """Lines of code the player wrote: non-blank, non-comment physical lines (a `;` or `\\` does
    not make two lines one), without the imports and, when `entry` is given, without the entry's
    own `def` line and docstring. A file Python cannot read counts every line of code."""
    lines = physical_lines(source)
    try:
        given = _given_lines(ast.parse(source), entry)
    except _UNPARSABLE:
        given = set()
    return sum(1 for number, line in enumerate(lines, 1)
               if _is_code(line) and number not in given)


def entry_chars(source: str, entry: str, tree: ast.Module | None = None) -> int | None:
    """Characters of the entry's single `return` expression (the gauntlet's score)."""
    if tree is None:
        try:
            tree = ast.parse(source)
        except _UNPARSABLE:
            return None
    for node in reversed(tree.body):  # Python keeps the last definition
        if isinstance(node, ast.FunctionDef) and node.name == entry:
            body = [s for s in node.body if not (isinstance(s, ast.Expr)
                                                 and isinstance(s.value, ast.Constant))]
            if len(body) == 1 and isinstance(body[0], ast.Return) and body[0].value is not None:
                seg = ast.get_source_segment(source, body[0].value)
                return len(seg) if seg else None
    return None
