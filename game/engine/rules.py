"""Static rules: an AST walk over the player's module, run in the child before any of it executes.

Pure Python, no torch. Every finding carries the 1-based line and column of the offending node.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from game.core.metrics import count_lines, entry_chars  # noqa: F401  (moved to core)

PROCESS_MODULES = frozenset({"subprocess", "multiprocessing", "pty", "concurrent"})
PROCESS_ATTRS = frozenset(
    {"fork", "forkpty", "system", "popen", "posix_spawn", "posix_spawnp", "spawnl", "spawnle",
     "spawnlp", "spawnlpe", "spawnv", "spawnve", "spawnvp", "spawnvpe", "execl", "execle",
     "execlp", "execlpe", "execv", "execve", "execvp", "execvpe", "setsid"}
)
# Constraint puzzles: names and modules that could reach the tracer, the frames or the result pipe.
ESCAPE_NAMES = frozenset(
    {"eval", "exec", "compile", "getattr", "setattr", "delattr", "vars", "globals", "locals",
     "dir", "__import__", "open", "input", "breakpoint", "memoryview", "type", "object",
     "super", "classmethod", "staticmethod", "property", "get_type_hints"}
)
LOCKDOWN_IMPORTS = frozenset({"torch", "math", "typing", "__future__"})
# Attributes that run code the tracer cannot see (TorchScript, compiled graphs, custom
# operators) or read files, and the modules that could reach the tracer or the result pipe.
# `typing.get_type_hints` evaluates string annotations and `torch.load` may unpickle: code the
# AST walk never sees.
ESCAPE_ATTRS = frozenset({"_C", "overrides", "_python_dispatch", "os", "sys", "jit", "compile",
                          "library", "cpp_extension", "from_file", "hub", "package", "fx",
                          "get_type_hints", "load", "load_library", "ops",
                          # frames and code objects lead back to the runner and its tracer
                          "gi_frame", "gi_code", "cr_frame", "cr_code", "ag_frame", "ag_code",
                          "f_back", "f_locals", "f_globals", "f_builtins", "f_code", "tb_frame",
                          "tb_next", "gi_yieldfrom", "cr_await"})
LOOP_CALLS = frozenset({"map", "filter", "reduce", "iter", "next", "range", "enumerate", "zip",
                        "sorted", "reversed", "sum", "any", "all"})
# Tensor methods that call a Python function once per element, and library loops.
LOOP_METHODS = frozenset({"apply_", "map_", "map2_", "while_loop"})
LOOP_CLASSES = frozenset({"DataLoader"})
# Special methods a module of a puzzle with rules may define: they run only when called.
ALLOWED_DUNDER_DEFS = frozenset({"__init__", "__call__", "__repr__", "__str__"})

# Gauntlet: what a one-liner may touch besides its own parameters.
ONE_LINE_BUILTINS = frozenset({"len", "min", "max", "abs", "int", "float", "bool"})
ONE_LINE_BINOPS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow,
                   ast.MatMult, ast.BitAnd, ast.BitOr)
ONE_LINE_UNARY = (ast.USub, ast.UAdd, ast.Invert)
OPERATOR_SYMBOLS = {ast.LShift: "<<", ast.RShift: ">>", ast.BitXor: "^"}
COMPARE_WORDS = {ast.In: "in", ast.NotIn: "not in", ast.Is: "is", ast.IsNot: "is not"}
ONE_LINE_NODES = (ast.Return, ast.BinOp, ast.UnaryOp, ast.Compare, ast.Subscript, ast.Slice,
                  ast.Tuple, ast.Constant, ast.Name, ast.Attribute, ast.Call, ast.Load,
                  ast.keyword, ast.cmpop, ast.operator, ast.unaryop, ast.expr_context)


_LINE_END = re.compile(r"\r\n|\r|\n")


def physical_lines(source: str) -> list[str]:
    """The source's lines as Python numbers them: only \\n, \\r\\n and \\r end a line
    (`str.splitlines` also splits at form feeds, \\x1c-\\x1e, \\u2028 and others)."""
    lines = _LINE_END.split(source)
    return lines[:-1] if lines and lines[-1] == "" else lines


def columns(line: str) -> int:
    """Width of `line` on screen, tabs expanded to the next multiple of 8 as Python reads them."""
    return len(line.expandtabs(8).rstrip())


@dataclass(frozen=True)
class Finding:
    """One broken rule."""

    rule: str
    line: int | None
    col: int | None
    message: str

    def as_dict(self) -> dict[str, object]:
        return {"rule": self.rule, "line": self.line, "col": self.col, "message": self.message}


def _pos(node: ast.AST) -> tuple[int | None, int | None]:
    line = getattr(node, "lineno", None)
    col = getattr(node, "col_offset", None)
    return line, (col + 1 if col is not None else None)


def banned_name(name: str, banned: set[str] | frozenset[str] | list[str]) -> str | None:
    """The banned name that `name` is, or is the in-place (`gelu_`) or overload (`gelu.default`)
    form of; None when it is allowed."""
    base = name.split(".")[0]
    for candidate in (name, base, base.rstrip("_")):
        if candidate and candidate in banned:
            return candidate
    return None


def dotted(node: ast.AST) -> str | None:
    """`torch.nn.functional.gelu` for an Attribute chain rooted in a Name, else None."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


class _Checker:
    def __init__(self, tree: ast.Module, source: str, entry: str, rules: dict) -> None:
        self.tree = tree
        self.lines = physical_lines(source)
        self.entry = entry
        self.rules = rules
        self.findings: list[Finding] = []
        self.banned = set(rules.get("banned") or [])
        self.suggestions: dict[str, str] = rules.get("suggestions") or {}
        # Functions and classes the player's module defines itself.
        self.own_names = {n.name for n in ast.walk(tree)
                          if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}

    def add(self, rule: str, node: ast.AST | None, message: str) -> None:
        line, col = _pos(node) if node is not None else (None, None)
        self.findings.append(Finding(rule, line, col, message))

    def hint(self, name: str) -> str:
        tip = self.suggestions.get(name)
        return f": {tip}" if tip else ""

    # -- always on ----------------------------------------------------------------------------
    def processes(self) -> None:
        if self.rules.get("processes", 0) > 0:
            return
        for node in ast.walk(self.tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else [
                    node.module or ""]
                for name in names:
                    if name.split(".")[0] in PROCESS_MODULES:
                        self.add("processes", node,
                                 f"`{name}` starts other processes, which this puzzle does not "
                                 "allow")
                if isinstance(node, ast.ImportFrom) and (node.module or "") in ("os", "posix"):
                    for alias in node.names:
                        if alias.name in PROCESS_ATTRS:
                            self.add("processes", node,
                                     f"`os.{alias.name}` starts other processes, which this "
                                     "puzzle does not allow")
            elif isinstance(node, ast.Attribute) and node.attr in PROCESS_ATTRS:
                base = dotted(node.value)
                if base in ("os", "posix"):
                    self.add("processes", node,
                             f"`{base}.{node.attr}` starts other processes, which this puzzle "
                             "does not allow")

    # -- constraint puzzles ---------------------------------------------------------------------
    def _super_init(self) -> set[int]:
        """The nodes of `super().__init__(...)`, which every nn.Module subclass needs."""
        allowed: set[int] = set()
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Attribute) and node.attr == "__init__" and isinstance(
                    node.value, ast.Call) and isinstance(node.value.func, ast.Name) and \
                    node.value.func.id == "super" and not node.value.args:
                allowed |= {id(node), id(node.value.func)}
        return allowed

    def lockdown(self) -> None:
        super_init = self._super_init()
        for node in ast.walk(self.tree):
            if id(node) in super_init:
                continue
            if isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names):
                self.add("banned_import", node, "`import *` is not allowed in a puzzle with "
                         "rules: import the names you use")
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                module = node.module or "." if isinstance(node, ast.ImportFrom) else ""
                names = [f"{module}.{a.name}".lstrip(".") if module else a.name
                         for a in node.names]
                for name in names:
                    parts = name.split(".")
                    private = any(p.startswith("_") or p in ESCAPE_ATTRS for p in parts[1:])
                    if getattr(node, "level", 0) or parts[0] not in LOCKDOWN_IMPORTS or private:
                        self.add("banned_import", node,
                                 f"importing `{name}` is not allowed here; this puzzle needs "
                                 "only the public parts of torch and math")
            elif isinstance(node, ast.Name) and (
                node.id in ESCAPE_NAMES or node.id.startswith("__")
            ):
                self.add("escape_hatch", node,
                         f"`{node.id}` is not allowed in a puzzle with rules: it could get round "
                         "them")
            elif isinstance(node, ast.Attribute) and (
                node.attr in ESCAPE_ATTRS or node.attr.startswith("_")
            ):
                self.add("escape_hatch", node,
                         f"`.{node.attr}` is not allowed in a puzzle with rules: private and "
                         "internal attributes, compilers and file readers could get round them")
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and \
                    node.name.startswith("__") and node.name not in ALLOWED_DUNDER_DEFS:
                self.add("escape_hatch", node,
                         f"defining `{node.name}` is not allowed in a puzzle with rules: special "
                         "methods run code behind the operators and builtins")

    def banned_names(self) -> None:
        if not self.banned:
            return
        # The player's own functions and classes may bear a banned name (the entry `gelu`).
        own = self.own_names
        for node in ast.walk(self.tree):
            name = None
            if isinstance(node, ast.Attribute) and banned_name(node.attr, self.banned):
                name = banned_name(node.attr, self.banned)
                shown = dotted(node) or f".{node.attr}"
            elif isinstance(node, ast.Name) and node.id in self.banned and node.id not in own:
                name = shown = node.id
            elif isinstance(node, ast.alias) and set(node.name.split(".")) & self.banned:
                name = next(p for p in node.name.split(".") if p in self.banned)
                shown = node.name
            elif isinstance(node, ast.ImportFrom) and set(
                    (node.module or "").split(".")) & self.banned:
                name = next(p for p in (node.module or "").split(".") if p in self.banned)
                shown = node.module
            if name is not None:
                self.add("banned_call", node,
                         f"`{shown}` is not allowed here{self.hint(name)}")

    def no_loops(self) -> None:
        kinds = {
            ast.For: "a `for` loop", ast.AsyncFor: "a `for` loop", ast.While: "a `while` loop",
            ast.ListComp: "a list comprehension", ast.SetComp: "a set comprehension",
            ast.DictComp: "a dict comprehension", ast.GeneratorExp: "a generator expression",
        }
        # A name the puzzle hands over (the exam's own `sum`) or the module defines is not the
        # builtin.
        loop_calls = LOOP_CALLS - set(self.rules.get("allowed_names") or ()) - self.own_names
        for node in ast.walk(self.tree):
            for kind, words in kinds.items():
                if isinstance(node, kind):
                    self.add("loop", node, f"{words} is not allowed here: let the tensor "
                             "operations do the looping")
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and (
                node.func.id in loop_calls
            ):
                self.add("loop", node, f"`{node.func.id}(...)` is a loop in disguise and is not "
                         "allowed here")
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and (
                node.func.attr in LOOP_METHODS
            ):
                self.add("loop", node, f"`.{node.func.attr}(...)` calls Python once per element "
                         "(a loop in disguise) and is not allowed here")
            elif (isinstance(node, ast.Name) and node.id in LOOP_CLASSES) or (
                    isinstance(node, ast.Attribute) and node.attr in LOOP_CLASSES):
                self.add("loop", node, "a DataLoader is a Python loop over the samples and is "
                         "not allowed here")
            elif isinstance(node, ast.Call) and any(k.arg == "key" for k in node.keywords):
                self.add("loop", node, "a `key=` function is called once per element (a loop "
                         "in disguise) and is not allowed here")
        self.recursion()

    def recursion(self) -> None:
        """Any cycle in the call graph of the module's own functions, lambdas bound to names and
        methods (called as `self.name(...)`) is recursion."""
        defs: dict[str, ast.AST] = {}
        for n in ast.walk(self.tree):
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)):
                defs.setdefault(n.name, n)
            elif isinstance(n, (ast.Assign, ast.AnnAssign, ast.NamedExpr)) and isinstance(
                    n.value, ast.Lambda):
                targets = n.targets if isinstance(n, ast.Assign) else [n.target]
                for t in targets:
                    name = t.id if isinstance(t, ast.Name) else (
                        t.attr if isinstance(t, ast.Attribute) else None)
                    if name:
                        defs.setdefault(name, n.value)

        def callee(call: ast.Call) -> str | None:
            f = call.func
            if isinstance(f, ast.Name):
                return f.id
            if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and \
                    f.value.id in ("self", "cls"):
                return f.attr
            return None

        calls: dict[str, set[str]] = {}
        for name, fn in defs.items():
            calls[name] = {c for c in (callee(n) for n in ast.walk(fn) if isinstance(n, ast.Call))
                           if c in defs}
        for start in defs:
            stack, seen = list(calls[start]), set()
            while stack:
                cur = stack.pop()
                if cur == start:
                    self.add("loop", defs[start], f"`{start}` calls itself (recursion is a loop "
                             "in disguise and is not allowed here)")
                    break
                if cur not in seen:
                    seen.add(cur)
                    stack.extend(calls.get(cur, ()))

    # -- the gauntlet's one-liners --------------------------------------------------------------
    def one_line(self) -> None:
        body = list(self.tree.body)
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            body = body[1:]
        fns = [n for n in body if isinstance(n, ast.FunctionDef)]
        for node in body:
            if not isinstance(node, ast.FunctionDef) or node.name != self.entry:
                self.add("one_line", node, f"the file may hold only `def {self.entry}(...)`; "
                         "helpers, imports and other statements are not allowed in the exam")
        mine = [f for f in fns if f.name == self.entry]
        for again in mine[1:]:
            self.add("one_line", again, f"`def {self.entry}` appears more than once; the file "
                     "may hold exactly one (Python would run the last)")
        fn = mine[0] if mine else None
        if fn is None:
            return
        if fn.decorator_list:
            self.add("one_line", fn.decorator_list[0], "decorators are not allowed in the exam")
        stmts = list(fn.body)
        if stmts and isinstance(stmts[0], ast.Expr) and isinstance(stmts[0].value, ast.Constant):
            stmts = stmts[1:]
        if len(stmts) != 1 or not isinstance(stmts[0], ast.Return) or stmts[0].value is None:
            where = stmts[1] if len(stmts) > 1 else (stmts[0] if stmts else fn)
            self.add("one_line", where, "the body must be a single `return <expression>` "
                     "statement (a `;` does not make two statements one)")
            return
        ret = stmts[0]
        if ret.end_lineno != ret.lineno:
            self.add("one_line", ret, "the `return` must fit on one physical line (no `\\` "
                     "continuation, no expression spread over lines)")
        limit = self.rules.get("max_columns") or 80
        line_text = self.lines[ret.lineno - 1] if ret.lineno - 1 < len(self.lines) else ""
        width = columns(line_text)
        if width >= limit:
            tabs = " (a tab counts up to the next multiple of 8)" if "\t" in line_text else ""
            self.add("one_line", ret, f"the line is {width} columns long{tabs}; "
                     f"the exam allows fewer than {limit}")
        params = {a.arg for a in fn.args.args + fn.args.posonlyargs + fn.args.kwonlyargs}
        for default in fn.args.defaults + [d for d in fn.args.kw_defaults if d is not None]:
            self.add("one_line", default, "default argument values are not allowed in the exam")
        if fn.args.vararg or fn.args.kwarg:
            self.add("one_line", fn, "`*args` and `**kwargs` are not allowed in the exam")
        allowed = set(self.rules.get("allowed_names") or []) | ONE_LINE_BUILTINS
        self.allowlist(ret, params, allowed)

    def allowlist(self, ret: ast.Return, params: set[str], allowed: set[str]) -> None:
        # A lambda or comprehension is reported once, at its own line; its insides are noise.
        inside = {id(child) for node in ast.walk(ret)
                  if isinstance(node, (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp,
                                       ast.GeneratorExp))
                  for child in ast.walk(node) if child is not node}
        for node in ast.walk(ret):
            if id(node) in inside:
                continue
            if isinstance(node, ast.Attribute):
                if node.attr != "shape":
                    self.add("allowed_only", node, f"`.{node.attr}` is not allowed in the exam"
                             f"{self.hint(node.attr) or ': only `.shape` may follow a tensor'}")
            elif isinstance(node, ast.Name):
                if node.id not in params and node.id not in allowed:
                    self.add("allowed_only", node, f"`{node.id}` is not allowed in the exam"
                             f"{self.hint(node.id)}")
            elif isinstance(node, ast.Call):
                if not isinstance(node.func, (ast.Name, ast.Lambda)):  # a lambda: reported below
                    shown = dotted(node.func) or (
                        f".{node.func.attr}" if isinstance(node.func, ast.Attribute)
                        else "this call")
                    method = node.func.attr if isinstance(node.func, ast.Attribute) else ""
                    self.add("allowed_only", node, f"`{shown}(...)` is not allowed in the exam"
                             f"{self.hint(method) or ': call only arange, where, earlier exam '}"
                             f"{'' if self.hint(method) else 'answers and len/min/max/abs'}")
                if any(isinstance(a, ast.Starred) for a in node.args):
                    self.add("allowed_only", node, "`*` unpacking is not allowed in the exam")
            elif isinstance(node, ast.Constant):
                if isinstance(node.value, bool):
                    self.add("allowed_only", node, f"the literal `{node.value}` is not allowed "
                             "in the exam: only integer and float literals (a comparison "
                             "gives you bools)")
                elif not isinstance(node.value, (int, float, type(None), type(...))):
                    self.add("allowed_only", node, f"the literal {node.value!r} is not allowed "
                             "in the exam: only integer and float literals")
            elif isinstance(node, ast.BinOp) and not isinstance(node.op, ONE_LINE_BINOPS):
                symbol = OPERATOR_SYMBOLS.get(type(node.op), type(node.op).__name__)
                self.add("allowed_only", node, f"the operator `{symbol}` is not allowed in the "
                         "exam: arithmetic, `@`, comparisons and `~ & |` are")
            elif isinstance(node, ast.BoolOp):
                word = "and" if isinstance(node.op, ast.And) else "or"
                self.add("allowed_only", node, f"`{word}` is not allowed in the exam: it asks "
                         "Python for one True/False; combine masks element by element with "
                         f"`{'&' if word == 'and' else '|'}`")
            elif isinstance(node, ast.boolop):
                continue  # the operator of a BoolOp, reported with it
            elif isinstance(node, ast.Compare) and any(
                    type(op) in COMPARE_WORDS for op in node.ops):
                word = next(COMPARE_WORDS[type(op)] for op in node.ops
                            if type(op) in COMPARE_WORDS)
                self.add("allowed_only", node, f"`{word}` is not allowed in the exam: compare "
                         "tensors element by element with `==`, `!=`, `<`, `<=`, `>`, `>=`")
            elif isinstance(node, ast.UnaryOp) and not isinstance(node.op, ONE_LINE_UNARY):
                self.add("allowed_only", node, "`not` is not allowed in the exam: use `~`")
            elif isinstance(node, ast.Lambda):
                self.add("allowed_only", node, "`lambda` is not allowed in the exam")
            elif isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
                self.add("loop", node, "comprehensions are loops and are not allowed in the exam")
            elif not isinstance(node, ONE_LINE_NODES):
                shown = ast.get_source_segment("\n".join(self.lines), node)
                self.add("allowed_only", node,
                         f"`{shown or type(node).__name__}` is not allowed in the exam")


def check_source(source: str, entry: str, rules: dict) -> tuple[list[Finding], ast.Module]:
    """Parse `source` and return every broken rule. Raises SyntaxError/RecursionError/ValueError
    when the module cannot be parsed (the caller turns that into `syntax_error`)."""
    tree = ast.parse(source, filename="<submission>")
    checker = _Checker(tree, source, entry, rules)
    checker.processes()
    locked = rules.get("lockdown")
    if locked is None:
        locked = bool(rules.get("banned")) or not rules.get("loops", True) or bool(
            rules.get("one_line")) or rules.get("allowed_names") is not None
    if locked:
        checker.lockdown()
    checker.banned_names()
    if not rules.get("loops", True):
        checker.no_loops()
    if rules.get("one_line"):
        checker.one_line()
    unique: dict[tuple, Finding] = {}
    for f in checker.findings:
        unique.setdefault((f.rule, f.line, f.col), f)
    return sorted(unique.values(),
                  key=lambda f: (f.line is None, f.line or 0, f.col or 0)), tree


def find_entry(tree: ast.Module, entry: str, kind: str) -> str | None:
    """A message when the module does not define the entry point, else None."""
    wanted = ast.ClassDef if kind == "class" else (ast.FunctionDef, ast.AsyncFunctionDef)
    for node in tree.body:
        if isinstance(node, wanted) and node.name == entry:
            return None
    what = f"class `{entry}`" if kind == "class" else f"function `{entry}`"
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) \
                and node.name == entry:
            shape = "class" if isinstance(node, ast.ClassDef) else "function"
            return (f"line {node.lineno} makes `{entry}` a {shape}, but the puzzle needs the "
                    f"{what}")
    names = [n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))]
    found = f" (found: {', '.join(names)})" if names else ""
    return f"your file must define the {what} at top level{found}"
