"""Static rules against the ways round them that players actually try."""

from __future__ import annotations

import pytest

from game.core.exam import exam_rules
from game.engine import rules as static_rules
from game.engine.checks import tensor_exam as exam

LOCKED = {"lockdown": True, "loops": False, "banned": ["cdist"]}


def findings(source: str, entry: str, rules: dict) -> list[static_rules.Finding]:
    return static_rules.check_source(source, entry, rules)[0]


def exam_findings(source: str, entry: str = "ones") -> list[static_rules.Finding]:
    return findings(source, entry, {**exam_rules(), "allowed_names": exam.injected(entry)})


def test_a_second_def_of_the_entry_cannot_hide_behind_a_decoy():
    source = ("def ones(i):\n    return arange(i) * 0 + 1\n\n\n"
              "def ones(i):\n    x = arange(i)\n    return x * 0 + 1\n")
    found = exam_findings(source)
    assert found and found[0].line == 5 and "more than once" in found[0].message


def test_the_score_is_the_definition_python_keeps():
    source = "def ones(i):\n    return 1\n\n\ndef ones(i):\n    return arange(i) * 0 + 1\n"
    assert static_rules.entry_chars(source, "ones") == len("arange(i) * 0 + 1")


@pytest.mark.parametrize("separator", ["\x0c", "\x0b", "\x1c", "\x85", "\u2028"])
def test_lines_are_counted_as_python_counts_them(separator):
    long_line = "    return arange(i) * 0 + 1" + " + 0" * 13
    source = f"# a{separator}b\ndef ones(i):\n{long_line}\n"
    found = exam_findings(source)
    assert [f.line for f in found] == [3] and "columns long" in found[0].message


def test_a_tab_counts_to_the_next_multiple_of_eight():
    source = "def ones(i):\n\treturn arange(i) * 0 + 1" + " + 0" * 12 + "\n"
    assert len(source.splitlines()[1]) < 80
    found = exam_findings(source)
    assert found and "80 columns" in found[0].message and "tab" in found[0].message


@pytest.mark.parametrize(("expr", "words"), [
    ("arange(i) * 0 + (1 or 2)", "`or` is not allowed"),
    ("arange(i) * 0 + (1 and 1)", "`and` is not allowed"),
    ("(lambda: arange(i) * 0 + 1)()", "`lambda` is not allowed"),
    ("arange(i) * 0 + (1 in arange(i))", "`in` is not allowed"),
    ("arange(i) * 0 + (arange(i) is None)", "`is` is not allowed"),
    ("arange(i) * 0 + True", "literal `True` is not allowed"),
    ("arange(i) * 0 + (3 ^ 2)", "operator `^` is not allowed"),
    ("arange(i) * 0 + (1 << 0)", "operator `<<` is not allowed"),
])
def test_exam_messages_name_the_construct_and_its_line(expr, words):
    found = exam_findings(f"def ones(i):\n    return {expr}\n")
    assert found[0].line == 2, found
    assert words in found[0].message


def test_a_tip_is_not_repeated_in_its_own_message():
    found = exam_findings("def sum(a):\n    return a.sum(0, keepdim=True)\n", "sum")
    assert found[0].message.count("not allowed") == 1, found[0].message


def test_the_exams_own_sum_is_not_the_builtin_loop():
    source = "def repeat(a, d):\n    return outer(ones(d[0]), a) + 0 * sum(a)[0]\n"
    assert exam_findings(source, "repeat") == []


@pytest.mark.parametrize(("source", "words"), [
    ("import torch\n\ndef f(a, b):\n    cu = torch.jit.CompilationUnit('def g(x): return x')\n"
     "    return cu.g(a)\n", "`.jit`"),
    ("import torch\n\ndef f(a, b):\n    return torch.compile(lambda x: x)(a)\n", "`.compile`"),
    ("import torch\n\ndef f(a, b):\n    return torch.from_file('x', size=1)\n", "`.from_file`"),
    ("import torch\n\ndef f(a, b):\n    return torch.hub.list('x')\n", "`.hub`"),
    ("class Rows:\n    def __getitem__(self, i):\n        return i\n\n"
     "def f(a, b):\n    return list(Rows())\n", "defining `__getitem__`"),
    ("import typing\n\ndef f(a, b):\n    return typing.get_type_hints(f)\n", "get_type_hints"),
    ("from typing import get_type_hints\n\ndef f(a, b):\n    return a\n", "get_type_hints"),
    ("import torch\n\ndef f(a, b):\n    return torch.load('x.pt')\n", "`.load`"),
    ("from torch.nn.functional import *\n\ndef f(a, b):\n    return a\n", "`import *`"),
    ("import torch\n\ndef f(a, b):\n    loader = torch.utils.data.DataLoader(a)\n"
     "    return a\n", "DataLoader"),
    ("import torch\n\ndef f(a, b):\n    return torch.ops.aten.cdist(a, b)\n", "`.ops`"),
    ("def g():\n    yield 1\n\ndef f(a, b):\n    return g().gi_frame.f_back\n", "`.f_back`"),
])
def test_locked_down_puzzles_refuse_code_the_tracer_cannot_see(source, words):
    found = findings(source, "f", LOCKED)
    assert any(words in f.message for f in found), found


@pytest.mark.parametrize(("source", "words"), [
    ("def f(a, b):\n    rows = lambda k: [] if k == 0 else rows(k - 1)\n    return rows(3)\n",
     "`rows` calls itself"),
    ("class Walker:\n    def step(self, k):\n        return self.step(k - 1) if k else 0\n\n"
     "def f(a, b):\n    return Walker().step(3)\n", "`step` calls itself"),
    ("def f(a, b):\n    return a.clone().apply_(lambda v: v * 2)\n", "`.apply_(...)`"),
    ("def f(a, b):\n    return sorted([a, b], key=len)\n", "`sorted(...)`"),
    ("def f(a, b):\n    return max([a, b], key=len)\n", "a `key=` function"),
    ("def f(a, b):\n    return sum(a)\n", "`sum(...)` is a loop"),
])
def test_loops_in_disguise(source, words):
    found = findings(source, "f", LOCKED)
    assert any(words in f.message for f in found), found


def test_a_method_calling_another_objects_method_of_the_same_name_is_not_recursion():
    source = ("import torch\n\nclass Net(torch.nn.Module):\n    def __init__(self):\n"
              "        super().__init__()\n        self.inner = torch.nn.Linear(2, 2)\n\n"
              "    def forward(self, x):\n        return self.inner.forward(x)\n")
    assert not [f for f in findings(source, "Net", {"loops": False}) if f.rule == "loop"]


def test_a_class_in_place_of_the_entry_function_is_named_as_such():
    import ast

    tree = ast.parse("class ones:\n    pass\n")
    message = static_rules.find_entry(tree, "ones", "function")
    assert message and "makes `ones` a class" in message


def test_a_module_may_call_super_init_and_define_call():
    source = ("import torch\n\nclass Diff(torch.nn.Module):\n    def __init__(self):\n"
              "        super().__init__()\n\n    def __call__(self, a, b):\n"
              "        return a - b\n\n\ndef f(a, b):\n    return Diff()(a, b)\n")
    assert findings(source, "f", LOCKED) == []


def test_the_players_own_function_may_bear_a_banned_name():
    source = ("import torch\n\n\ndef gelu(x):\n    return 0.5 * x * (1 + torch.erf(x / 2 ** 0.5))"
              "\n\n\nprint(gelu(torch.ones(2)))\n")
    assert findings(source, "gelu", {"banned": ["gelu", "GELU"]}) == []
    imported = "from torch.nn.functional import gelu\n\n\ndef f(x):\n    return gelu(x)\n"
    assert findings(imported, "f", {"banned": ["gelu", "GELU"]})


def test_in_place_and_overload_forms_of_a_banned_name_are_banned():
    assert static_rules.banned_name("gelu_", {"gelu"}) == "gelu"
    assert static_rules.banned_name("gelu.default", {"gelu"}) == "gelu"
    assert static_rules.banned_name("__add__", {"add"}) is None
    source = "import torch\n\n\ndef f(x):\n    return x.clone().gelu_()\n"
    assert findings(source, "f", {"banned": ["gelu"]})
