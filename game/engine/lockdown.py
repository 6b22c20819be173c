"""Run-time rules of a locked-down puzzle, inside the child (the static rules are in `rules`).

A locked-down puzzle allows only the public parts of torch and math. The static check refuses
what it can see in the file; what only shows at run time is refused here, by an allow-list:

- `import` goes through `guarded_import`, which hands out *views* of the allowed modules, never
  the modules themselves. Every attribute read on a view is checked: a module outside
  `ALLOWED_MODULES` (`typing.operator`, `torch.serialization`, `torch.builtins`...), a private name,
  a switch of torch's function tracing (`torch.DisableTorchFunction`) or a callable from outside
  torch and math is refused. Views cannot be written to.
- The builtins the submission sees lack the escape hatches (and, without loops, the loop
  builtins) that the static check already forbids by name.
- Threads cannot be started: the tracer and the recursion guard watch the threads they know.

A refusal is recorded before it is raised (as `Refused`, past `except Exception`), so catching it
in the submission changes nothing: the runner reads the record after every step.
"""

from __future__ import annotations

import _thread
import builtins
import re
import threading
import types
from typing import Any

from game.engine.rules import ESCAPE_NAMES, LOOP_CALLS

ALLOWED_MODULES = frozenset({"torch", "torch.nn", "torch.nn.functional", "torch.linalg",
                             "torch.special", "torch.fft", "math"})
# Public torch modules a puzzle adds for itself (`[rules] modules`, e.g. torch.distributed for
# a data-parallel puzzle); set once per child, before the submission loads.
EXTRA_MODULES: set[str] = set()
# Imported for annotations only; their attributes are checked like any other.
ANNOTATION_MODULES = frozenset({"typing", "__future__"})
# Where the callables a public API hands out may come from.
CALLABLE_ROOTS = frozenset({"torch", "math", "typing", "collections", "__future__"})
# Classes of torch's C core that are public API (the rest switch its machinery on and off).
PUBLIC_CORE_CLASSES = frozenset({"Generator", "LinAlgError"})
TRACING_SWITCHES = re.compile(r"torch_function|TorchFunction|[Dd]ispatch")


class Refused(BaseException):
    """Raised (past `except Exception`) when the submission reaches something refused."""


class Refusals:
    """The first refusal of the current step, kept where the submission cannot reach it."""

    def __init__(self) -> None:
        self.found: dict[str, str] | None = None

    def refuse(self, rule: str, message: str) -> Refused:
        if self.found is None:
            self.found = {"rule": rule, "message": message}
        return Refused(message)

    def take(self) -> dict[str, str] | None:
        found, self.found = self.found, None
        return found


def _refusal(owner: str, name: str, value: Any) -> str | None:
    """Why `owner.name` (which is `value`) may not be reached, or None."""
    shown = f"`{owner}.{name}`"
    if name.startswith("_"):
        return f"{shown} is private and is not allowed here"
    if isinstance(value, types.ModuleType):
        if value.__name__ in ALLOWED_MODULES or value.__name__ in EXTRA_MODULES:
            return None
        return (f"{shown} is the module `{value.__name__}`, which is not allowed here; this "
                "puzzle needs only torch, torch.nn, torch.nn.functional, torch.linalg, "
                "torch.special, torch.fft and math")
    if TRACING_SWITCHES.search(name):
        return f"{shown} changes how torch traces calls and is not allowed here"
    module = getattr(value, "__module__", None)
    if isinstance(value, type) and isinstance(module, str) and module.startswith("torch._C") \
            and name not in PUBLIC_CORE_CLASSES:
        return f"{shown} is part of torch's internals and is not allowed here"
    if callable(value) and not (isinstance(module, str)
                                and module.split(".")[0] in CALLABLE_ROOTS):
        return f"{shown} comes from outside torch and math and is not allowed here"
    return None


class ModuleView:
    """What a locked-down submission holds instead of a module: reads are checked, writes
    refused."""

    __slots__ = ("_view_module", "_view_refusals")

    def __init__(self, module: types.ModuleType, refusals: Refusals) -> None:
        object.__setattr__(self, "_view_module", module)
        object.__setattr__(self, "_view_refusals", refusals)

    def __getattr__(self, name: str) -> Any:
        module = object.__getattribute__(self, "_view_module")
        refusals = object.__getattribute__(self, "_view_refusals")
        value = getattr(module, name)
        why = _refusal(module.__name__, name, value)
        if why:
            raise refusals.refuse("module_reach", why)
        if isinstance(value, types.ModuleType):
            return ModuleView(value, refusals)
        return value

    def __setattr__(self, name: str, value: Any) -> None:
        module = object.__getattribute__(self, "_view_module")
        refusals = object.__getattribute__(self, "_view_refusals")
        raise refusals.refuse("module_write", f"changing `{module.__name__}.{name}` is not "
                              "allowed here")

    __delattr__ = __setattr__  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(object.__getattribute__(self, "_view_module"))

    def __dir__(self) -> list[str]:
        module = object.__getattribute__(self, "_view_module")
        return [n for n in dir(module) if not n.startswith("_")]


def guarded_import(refusals: Refusals):
    """An `__import__` that hands out views of the allowed modules and refuses the rest."""
    real_import = builtins.__import__

    def _import(name: str, globals: Any = None, locals: Any = None, fromlist: Any = (),
                level: int = 0) -> Any:
        if level or name not in ALLOWED_MODULES | ANNOTATION_MODULES | EXTRA_MODULES:
            raise refusals.refuse("module_reach", f"importing `{name}` is not allowed here; "
                                  "this puzzle needs only the public parts of torch and math")
        module = real_import(name, globals, locals, fromlist, level)
        if name in ANNOTATION_MODULES and name != "typing":
            return module
        return ModuleView(module, refusals)

    return _import


def locked_builtins(refusals: Refusals, *, loops: bool, keep: set[str]) -> dict[str, Any]:
    """The builtins of a locked-down submission: no escape hatches, no loop builtins when loops
    are not allowed (`keep`: names the puzzle hands over itself), and a guarded import."""
    names = dict(vars(builtins))
    # `super` stays: the static rules allow exactly `super().__init__()`, and a module's
    # __init__ cannot run without it.
    for name in (ESCAPE_NAMES - {"super"}) | (set() if loops else LOOP_CALLS):
        if name not in keep:
            names.pop(name, None)
    names["__import__"] = guarded_import(refusals)
    return names


def forbid_threads(refusals: Refusals) -> None:
    """From now on, starting a thread in this process is refused."""
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise refusals.refuse("threads", "starting a thread is not allowed here")

    for owner, name in ((_thread, "start_new_thread"), (_thread, "start_joinable_thread"),
                        (_thread, "start_new"), (threading, "_start_new_thread"),
                        (threading, "_start_joinable_thread")):
        if hasattr(owner, name):
            setattr(owner, name, refuse)
    threading.Thread.start = refuse  # type: ignore[method-assign]
