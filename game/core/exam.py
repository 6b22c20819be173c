"""Rules of Hammer's Qualifying Exam (the `gauntlet` side quest), as data.

`[rules] profile = "exam"` in a puzzle.toml expands to these. The AST layer allows only the
syntax CANON.md lists; the run-time layer allows only the torch functions that the operators,
indexing and `.shape` dispatch to (the helpers and earlier answers run with the tracer paused).
"""

from __future__ import annotations

EXAM_MAX_COLUMNS = 80

# Torch function names that `+ - * / // % ** @ & | ~ < <= > >= == !=`, indexing and `.shape`
# reach through __torch_function__.
EXAM_TRACED = [
    "__getitem__", "shape", "add", "__add__", "__radd__", "sub", "__sub__", "__rsub__", "rsub",
    "mul", "__mul__", "__rmul__", "div", "__truediv__", "__rtruediv__", "__floordiv__",
    "__rfloordiv__", "floor_divide", "remainder", "__mod__", "__rmod__", "pow", "__pow__",
    "__rpow__", "matmul", "__matmul__", "__rmatmul__", "neg", "__neg__", "__pos__", "positive",
    "abs", "__abs__", "eq", "ne", "lt", "le", "gt", "ge", "__eq__", "__ne__", "__lt__",
    "__le__", "__gt__", "__ge__", "__and__", "__or__", "__rand__", "__ror__", "__invert__",
    "bitwise_and", "bitwise_or", "bitwise_not", "logical_not", "__int__", "__float__",
    "__bool__", "__index__", "__len__", "__format__", "__hash__", "dim", "size",
]

# What to use instead, shown when a rule is broken.
EXAM_SUGGESTIONS = {
    "sum": "`.sum()` is not allowed in the exam: a vector of ones and `@` add things up",
    "view": "reshaping is not allowed in the exam: build the indices with `arange` and index",
    "reshape": "reshaping is not allowed in the exam: build the indices with `arange` and index",
    "flatten": "reshaping is not allowed in the exam: build the indices with `arange` and index",
    "unsqueeze": "use `a[:, None]` (or `a[None]`) to add a dimension",
    "squeeze": "index the size-1 dimension away, e.g. `a[0]` or `a[:, 0]`",
    "tensor": "`torch.tensor` is not allowed: `arange` is your only factory",
    "zeros": "no factories in the exam: `0 * arange(n)` is a vector of zeros",
    "ones": "no factories in the exam: use your answer to `ones`, or `arange(n) * 0 + 1`",
    "flip": "flip with indexing: `a[i - 1 - arange(i)]`",
    "roll": "shift with indexing and `%`",
    "cumsum": "a lower-triangular matrix of ones and `@` make prefix sums",
    "where": "",
    "torch": "`torch` itself is not available in the exam: only `arange`, `where` and your "
             "earlier answers",
    "T": "transpose with indexing: `a[arange(j)[:, None], arange(i)]` or an outer product",
    "t": "transpose with indexing, not `.t()`",
    "long": "no casts in the exam: a comparison gives bool, and `where` turns it into numbers",
    "int": "",
    "float": "",
}


def exam_rules() -> dict[str, object]:
    """The fields that `profile = "exam"` fills in."""
    return {
        "one_line": True,
        "loops": False,
        "allowed_names": [],
        "allowed_traced": list(EXAM_TRACED),
        "max_columns": EXAM_MAX_COLUMNS,
        "suggestions": {k: v for k, v in EXAM_SUGGESTIONS.items() if v},
    }
