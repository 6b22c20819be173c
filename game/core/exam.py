"""Rules of Hammer's Qualifying Exam (the `gauntlet` side quest), as data.

`[rules] profile = "exam"` in a puzzle.toml expands to these. The AST layer allows only the
syntax CANON.md lists; the run-time layer allows only the torch functions that the operators,
indexing and `.shape` dispatch to (the helpers and earlier answers run with the tracer paused).
"""

from __future__ import annotations

from typing import Any

EXAM_MAX_COLUMNS = 80

# Torch function names that `+ - * / // % ** @ & | ~ < <= > >= == !=`, indexing, `.shape` and
# the builtins len/abs/int/float/bool (min/max of numbers) reach through __torch_function__,
# found by tracing each operator on int64, float32 and bool tensors (`2 / a` is `__rdiv__`).
# Iterating over a tensor (`max(a)`) reaches `unbind`, which stays outside: a loop in disguise.
EXAM_TRACED = [
    "__getitem__", "shape", "add", "__add__", "__radd__", "sub", "__sub__", "__rsub__", "rsub",
    "mul", "__mul__", "__rmul__", "div", "__truediv__", "__rtruediv__", "__rdiv__",
    "__floordiv__", "__rfloordiv__", "floor_divide", "remainder", "__mod__", "__rmod__", "pow",
    "__pow__", "__rpow__", "matmul", "__matmul__", "__rmatmul__", "neg", "__neg__", "__pos__",
    "positive", "abs", "__abs__", "eq", "ne", "lt", "le", "gt", "ge", "__eq__", "__ne__", "__lt__",
    "__le__", "__gt__", "__ge__", "__and__", "__or__", "__rand__", "__ror__", "__invert__",
    "bitwise_and", "bitwise_or", "bitwise_not", "logical_not", "__int__", "__float__",
    "__bool__", "__index__", "__len__", "__format__", "__hash__", "dim", "size",
]

# What to use instead, shown when a rule is broken. Keys are names, attributes and traced torch
# functions; several are also exam entry points, so the tips point the way without giving the
# answer away. An empty tip means the generic message is better.
EXAM_SUGGESTIONS = {
    "sum": "a vector of ones and `@` add things up",
    "view": "reshaping is not allowed in the exam: build the indices with `arange` and index",
    "reshape": "reshaping is not allowed in the exam: build the indices with `arange` and index",
    "flatten": "reshaping is not allowed in the exam: build the indices with `arange` and index",
    "unsqueeze": "use `a[:, None]` (or `a[None]`) to add a dimension",
    "squeeze": "index the size-1 dimension away, e.g. `a[0]` or `a[:, 0]`",
    "tensor": "`arange` is your only factory",
    "zeros": "no factories in the exam: `0 * arange(n)` is a vector of zeros",
    "ones": "no factories in the exam: `arange` is the only one (your own `ones` is handed to "
            "you from question 2 on)",
    "eye": "no factories in the exam: compare a column of `arange` with a row of `arange`",
    "triu": "no factories in the exam: compare a column of `arange` with a row of `arange`",
    "tril": "no factories in the exam: compare a column of `arange` with a row of `arange`",
    "linspace": "no factories in the exam: build it from `arange` and true division `/`",
    "range": "`arange` is the exam's only range",
    "flip": "reverse with indexing: count the indices down from the end",
    "roll": "shift with indexing and `%`",
    "cumsum": "a triangle of ones and `@` make prefix sums",
    "diff": "subtract a shifted copy, made by indexing",
    "diagonal": "index the diagonal with two index tensors",
    "stack": "no joining functions in the exam: `where` with a broadcast row index builds rows",
    "vstack": "no joining functions in the exam: `where` with a broadcast row index builds rows",
    "cat": "no joining functions in the exam: `where` with a broadcast row index builds rows",
    "pad": "no padding functions in the exam: a 0/1 matrix and `@` move values into place",
    "nonzero": "data-dependent shapes are not exam tools: keep the shape fixed and move values "
               "with a 0/1 matrix",
    "masked_select": "data-dependent shapes are not exam tools: keep the shape fixed",
    "bincount": "count with a comparison (one-hot) matrix and `@`",
    "scatter_add": "a 0/1 matrix and `@` send every value to its slot",
    "index_add": "a 0/1 matrix and `@` send every value to its slot",
    "bucketize": "count with a comparison matrix and `@`",
    "searchsorted": "count with a comparison matrix and `@`",
    "heaviside": "compare, then choose with `where`",
    "expand": "no copying functions in the exam: multiply by a column of ones",
    "repeat": "no copying functions in the exam: multiply by a column of ones",
    "tile": "no copying functions in the exam: multiply by a column of ones",
    "where": "",
    "torch": "torch itself is out of reach: only `arange`, `where` and your earlier answers "
             "are at hand",
    "T": "transpose with indexing: `a[arange(j)[:, None], arange(i)]` or an outer product",
    "t": "transpose with indexing, not `.t()`",
    "size": "`.size()` is a method: use `.shape` or `len`",
    "item": "stay in tensors: index with `a[0]`, or pass it to `int(...)`",
    "tolist": "stay in tensors: the exam is about tensor operations",
    "unbind": "iterating over a tensor (`max(a)`, `min(a)`, unpacking) is a loop in disguise: "
              "compare whole tensors instead",
    "long": "no casts in the exam: a comparison gives bool, and `where` turns it into numbers",
    "int": "no casts in the exam: a comparison gives bool, and `where(q, 1, 0)` makes it int64",
    "float": "no casts in the exam: true division `/` already gives float32",
    "bool": "no casts in the exam: a comparison such as `a != 0` is already bool",
    "to": "no casts in the exam: `where` and `/` give the dtypes you need",
}


def exam_rules() -> dict[str, Any]:
    """The fields that `profile = "exam"` fills in."""
    return {
        "one_line": True,
        "loops": False,
        "allowed_names": [],
        "allowed_traced": list(EXAM_TRACED),
        "max_columns": EXAM_MAX_COLUMNS,
        "suggestions": {k: v for k, v in EXAM_SUGGESTIONS.items() if v},
    }
