"""ENGINE.md's 26 bad inputs. Each asserts the verdict, that no process survives, and that the same
judge then passes a correct submission (the `hostile.run` helper does the last two)."""

from __future__ import annotations

import os

import pytest

from game.core.result import Status

S = Status


def src(*lines: str) -> str:
    return "\n".join(lines) + "\n"


# 1
@pytest.mark.parametrize("code", [
    src("def double(x):", "    while True:", "        pass"),
    src("while True:", "    pass", "def double(x):", "    return 2 * x"),
])
def test_01_infinite_loop_is_time_limit(hostile, code):
    r = hostile.run("act1.double", code)
    assert r.status is S.TIME_LIMIT, r.message
    assert r.duration_ms < (3 + 1) * 1000  # the verdict comes within the wall limit + 1 s


# 2
def test_02_sleep_is_time_limit(hostile):
    r = hostile.run("act1.double", src("import time", "def double(x):",
                                       "    time.sleep(10_000)"))
    assert r.status is S.TIME_LIMIT


def test_02_input_reads_dev_null(hostile):
    r = hostile.run("act1.double", src("def double(x):", "    return 2 * x * float(input())"))
    assert r.status is S.RUNTIME_ERROR
    assert "EOFError" in r.message


# 3
def test_03_long_native_op_is_killed_from_outside(hostile):
    r = hostile.run("act1.double", src(
        "import torch", "def double(x):", "    a = torch.randn(4000, 4000)",
        "    for _ in range(1000):", "        a = a @ a", "    return 2 * x"))
    assert r.status is S.TIME_LIMIT


# 4
def test_04_catching_everything_does_not_escape_the_limit(hostile):
    r = hostile.run("act1.double", src(
        "def double(x):", "    while True:", "        try:", "            while True:",
        "                pass", "        except BaseException:", "            pass"))
    assert r.status is S.TIME_LIMIT


# 5
def test_05_huge_allocation_is_memory_limit(hostile):
    r = hostile.run("act1.double", src("import torch", "def double(x):",
                                       "    return torch.ones(2**34)"))
    assert r.status is S.MEMORY_LIMIT, r.message


# 6
@pytest.mark.parametrize("code", [
    src("def double(x):", "    print('x' * 100_000_000)", "    return 2 * x"),
    src("import os", "def double(x):", "    for _ in range(100):",
        "        os.write(1, b'y' * 1_000_000)", "    return 2 * x"),
])
def test_06_print_flood_is_output_limit(hostile, code):
    r = hostile.run("act1.double", code)
    assert r.status is S.OUTPUT_LIMIT
    assert all(len(t.output) <= 500 for t in r.tests)


# 7
@pytest.mark.parametrize("code", [
    src("import sys", "def double(x):", "    sys.exit(0)"),
    src("import os", "def double(x):", "    os._exit(0)"),
    src("def double(x):", "    raise SystemExit"),
    src("raise SystemExit", "def double(x):", "    return 2 * x"),
])
def test_07_exiting_is_no_result(hostile, code):
    r = hostile.run("act1.double", code)
    assert r.status is S.NO_RESULT, r.message


# 8
@pytest.mark.parametrize(("code", "signal_name"), [
    (src("import ctypes", "def double(x):", "    ctypes.string_at(0)"), "SIGSEGV"),
    (src("import os", "def double(x):", "    os.abort()"), "SIGABRT"),
])
def test_08_crash_names_the_signal(hostile, code, signal_name):
    r = hostile.run("act1.double", code)
    assert r.status is S.RUNTIME_ERROR
    assert signal_name in r.message


# 9
def test_09_infinite_recursion_has_trimmed_traceback(hostile):
    r = hostile.run("act1.double", src("def f(n):", "    return f(n + 1)", "",
                                       "def double(x):", "    return f(0)"))
    assert r.status is S.RUNTIME_ERROR
    assert "RecursionError" in r.message
    assert "line 2, in f" in r.message and "repeated" in r.message
    assert len(r.message) < 3000


# 10
@pytest.mark.parametrize(("code", "status"), [
    (src("import os", "def double(x):", "    os.fork()", "    return 2 * x"),
     S.CONSTRAINT_VIOLATION),
    (src("import subprocess", "def double(x):", "    subprocess.run(['sleep', '60'])"),
     S.CONSTRAINT_VIOLATION),
    (src("import multiprocessing", "def double(x):", "    return 2 * x"),
     S.CONSTRAINT_VIOLATION),
    # Past the static check: the kernel refuses (seccomp), so nothing can be left behind.
    (src("def double(x):", "    __import__('o' + 's').fork()", "    return 2 * x"),
     S.RUNTIME_ERROR),
    (src("def double(x):", "    m = __import__('sub' + 'process')",
         "    m.Popen(['setsid', 'sleep', '60'])", "    return 2 * x"), S.RUNTIME_ERROR),
    (src("import ctypes", "def double(x):", "    libc = ctypes.CDLL(None)",
         "    if libc.fork() == 0:", "        libc.setsid()", "        libc.pause()",
         "    return 2 * x"), S.PASS),
])
def test_10_processes_are_refused(hostile, code, status):
    r = hostile.run("act1.double", code)
    assert r.status is status, r.message
    if status is S.RUNTIME_ERROR:
        assert "Operation not permitted" in r.message


# 11
@pytest.mark.parametrize("patch", [
    "torch.testing.assert_close = lambda *a, **k: None",
    "torch.allclose = lambda *a, **k: True",
    "torch.equal = lambda *a, **k: True",
    "torch.Tensor.__eq__ = lambda *a, **k: True",
    "torch.isclose = lambda a, b, **k: torch.ones_like(a, dtype=torch.bool)",
])
def test_11_monkeypatching_the_checker_changes_nothing(hostile, patch):
    r = hostile.run("act1.double", src("import torch", patch, "def double(x):",
                                       "    return x + 1"))
    assert r.status is S.WRONG_ANSWER


# 12
@pytest.mark.parametrize("code", [
    src("import torch", "class T(torch.Tensor):", "    pass", "def double(x):",
        "    return (2 * x).as_subclass(T)"),
    src("class Liar:", "    def __eq__(self, other):", "        return True",
        "def double(x):", "    return Liar()"),
])
def test_12_fake_tensors_are_the_wrong_type(hostile, code):
    r = hostile.run("act1.double", code)
    assert r.status is S.WRONG_ANSWER
    assert any(t.mismatch == "type" for t in r.tests)


# 13
def test_13_nothing_to_find_in_frames_or_gc(hostile):
    code = src(
        "import gc, sys, torch",
        "def secret(x):",
        "    seen = []",
        "    f = sys._getframe()",
        "    while f is not None:",
        "        seen += [v for v in f.f_locals.values() if isinstance(v, torch.Tensor)]",
        "        f = f.f_back",
        "    seen += [o for o in gc.get_objects() if isinstance(o, torch.Tensor)]",
        "    for t in seen:",
        "        if t.shape == x.shape and not torch.equal(t, x):",
        "            return t.clone()",
        "    return x")
    GOOD_SECRET = hostile.judge.verify("act1.secret", code)
    hostile.assert_clean()
    assert GOOD_SECRET.status is S.WRONG_ANSWER


# 14
@pytest.mark.filterwarnings("ignore:Detected pickle protocol:UserWarning")
def test_14_pickle_payload_is_refused(hostile, tmp_path):
    marker = tmp_path / "pwned"
    payload = f"open({str(marker)!r}, 'w')"
    code = src(
        "class Payload:",
        "    def __reduce__(self):",
        f"        return (exec, ({payload!r},))",
        "def double(x):",
        "    return Payload()")
    r = hostile.run("act1.double", code)
    assert r.status is S.WRONG_ANSWER
    # Raw pickle bytes written straight into the result channel are refused as well.
    raw = src(
        "import os, pickle, struct",
        "class Payload:",
        "    def __reduce__(self):",
        f"        return (exec, ({payload!r},))",
        "def double(x):",
        "    data = pickle.dumps(Payload())",
        "    os.write(4, struct.pack('<Q', len(data)) + data)",
        "    return 2 * x")
    r = hostile.run("act1.double", raw)
    assert r.status is S.RUNTIME_ERROR
    assert not marker.exists()


# 15
def test_15_seeding_does_not_predict_inputs(hostile):
    code = src("import torch", "def double(x):", "    torch.manual_seed(0)",
               "    return 2 * torch.randn(x.shape)")
    r = hostile.run("act1.double", code)
    assert r.status is S.WRONG_ANSWER


# 16
def test_16_mutating_an_input_is_caught(hostile):
    r = hostile.run("act1.total", src("def total(x):", "    s = x.sum(0, keepdim=True)",
                                      "    x.zero_()", "    return s"))
    assert r.status is S.WRONG_ANSWER
    assert any(t.mismatch == "mutated" for t in r.tests)


# 17
@pytest.mark.parametrize(("code", "status"), [
    (src("import threading, time", "def double(x):", "    out = 2 * x",
         "    def spoil():", "        time.sleep(0.2)", "        out.zero_()",
         "    threading.Thread(target=spoil).start()", "    return out"), S.PASS),
    (src("import threading, time", "def double(x):", "    out = x.clone()",
         "    def fix():", "        time.sleep(0.2)", "        out.mul_(2)",
         "    threading.Thread(target=fix).start()", "    return out"), S.WRONG_ANSWER),
])
def test_17_output_is_serialized_at_return(hostile, code, status):
    r = hostile.run("act1.double", code)
    assert r.status is status


# 18
@pytest.mark.parametrize(("puzzle", "code", "kind", "words"), [
    ("act1.total", src("def total(x):", "    return x.sum()"), "shape", "(1,)"),
    ("act1.double", src("def double(x):", "    return 2 * x.double()"), "dtype", "float64"),
    ("act1.total", src("def total(x):", "    return x.sum(0, keepdim=True) > 0"), "dtype",
     "bool"),
    ("act1.double", src("def double(x):", "    return (2 * x)[None]"), "shape", "extra"),
])
def test_18_shape_and_dtype_are_exact(hostile, puzzle, code, kind, words):
    r = hostile.run(puzzle, code)
    assert r.status is S.WRONG_ANSWER
    failing = [t for t in r.tests if t.status == "fail"]
    assert failing and failing[0].mismatch == kind
    assert words in failing[0].message


# 19
@pytest.mark.parametrize("value", ["float('nan')", "float('inf')"])
def test_19_nan_and_inf_are_named(hostile, value):
    r = hostile.run("act1.double", src("def double(x):", "    y = 2 * x",
                                       f"    y[..., 0] = {value}", "    return y"))
    assert r.status is S.WRONG_ANSWER
    failing = [t for t in r.tests if t.status == "fail"][0]
    assert failing.mismatch == "nan"
    assert "index" in failing.message


# 20
@pytest.mark.parametrize("code", [
    src("def probs(x):", "    return x.softmax(-1)"),
    src("import torch", "def probs(x):", "    return getattr(torch, 'soft' + 'max')(x, -1)"),
    src("import torch", "def probs(x):", "    return eval('torch.softmax')(x, -1)"),
    src("import torch", "def probs(x):", "    return torch.nn.Softmax(-1)(x)"),
    src("import torch", "def probs(x):", "    f = torch.nn.functional",
        "    return vars(f)['soft' + 'max'](x, -1)"),
])
def test_20_banned_calls_through_aliases(hostile, code):
    r = hostile.run("act1.probs", code)
    assert r.status is S.CONSTRAINT_VIOLATION, r.message


# 21
@pytest.mark.parametrize("code", [
    src("import torch", "def squares(x):",
        "    return torch.stack(list(map(lambda v: v * v, x)))"),
    src("import torch", "def squares(x):", "    return torch.stack([v * v for v in x])"),
    src("def sq(x, i):", "    return x if i == 0 else sq(x, i - 1)",
        "def squares(x):", "    return sq(x, 1) * x"),
    src("def squares(x):", "    out = x.clone()", "    for i in range(len(x)):",
        "        out[i] = x[i] * x[i]", "    return out"),
])
def test_21_hidden_loops(hostile, code):
    r = hostile.run("act1.squares", code)
    assert r.status is S.CONSTRAINT_VIOLATION
    assert any(c.rule == "loop" for c in r.constraints)


# 22
@pytest.mark.parametrize("code", [
    src("import torch", "def probs(x):", "    torch._C._disable_torch_function_mode()",
        "    return torch.softmax(x, -1)"),
    src("import torch.overrides", "def probs(x):",
        "    torch.overrides._pop_mode()", "    return x.softmax(-1)"),
    src("from torch.utils import _python_dispatch", "def probs(x):", "    return x"),
    src("import torch", "def probs(x):", "    m = torch.__dict__", "    return x"),
    src("import torch", "def walk():", "    yield 1", "def probs(x):", "    g = walk()",
        "    frame = g.gi_frame.f_back", "    return x.softmax(-1)"),
    src("import typing", "def probs(x: 'typing.Any') -> 'torch._C':",
        "    typing.get_type_hints(probs)", "    return x.softmax(-1)"),
])
def test_22_disabling_the_tracer(hostile, code):
    r = hostile.run("act1.probs", code)
    assert r.status is S.CONSTRAINT_VIOLATION


# 23
@pytest.mark.parametrize("code", [
    src("def ones(i):", "    j = i; return arange(j) * 0 + 1"),
    src("def ones(i):", "    return arange(i) * 0 \\", "        + 1"),
    src("def ones(i):", "    y = arange(i)", "    return y * 0 + 1"),
])
def test_23_one_line_means_one_line(hostile, code):
    r = hostile.run("gauntlet.ones", code)
    assert r.status is S.CONSTRAINT_VIOLATION
    assert any(c.rule == "one_line" and c.line for c in r.constraints)


# 24
@pytest.mark.parametrize("code", [
    "x = 1\n" * 2_000_000,
    "def double(x):\n    return " + "(" * 5000 + "x" + ")" * 5000 + "\n",
    "def double(x):\n    return " + "-" * 100_000 + "x\n",
    "def double(x) return x\n",
    b"def double(x):\n    return '\xff\xfe'\n",
])
def test_24_unreadable_sources_are_syntax_errors(hostile, code):
    r = hostile.run("act1.double", code)
    assert r.status is S.SYNTAX_ERROR, r.message


# 25
@pytest.mark.parametrize(("code", "words"), [
    (src("def dubble(x):", "    return 2 * x"), "double(x: Tensor) -> Tensor"),
    (src("def double(x, y):", "    return 2 * x"), "double(x: Tensor) -> Tensor"),
    (src("double = 3"), "must define the function `double`"),
])
def test_25_missing_entry_or_wrong_arity(hostile, code, words):
    r = hostile.run("act1.double", code)
    assert r.status is S.RUNTIME_ERROR
    assert words in r.message


# 26
def test_26_no_writes_outside_the_run_folder(hostile, tmp_path):
    target = tmp_path / "state.json"
    target.write_text("untouched")
    code = src(
        "import os",
        "def double(x):",
        f"    open({str(target)!r}, 'w').write('tampered')",
        "    return 2 * x")
    r = hostile.run("act1.double", code)
    assert r.status is S.RUNTIME_ERROR
    assert "Permission denied" in r.message
    assert target.read_text() == "untouched"
    env = src("import os", "def double(x):",
              "    assert not [k for k in os.environ if k.startswith('TORCHENSTEIN')]",
              "    assert 'torchenstein-run-' in os.getcwd()",
              "    open('scratch.txt', 'w').write('fine')", "    return 2 * x")
    assert hostile.run("act1.double", env).status is S.PASS
    assert os.environ.get("PYTEST_CURRENT_TEST")


# Beyond the list: the judge and the fork server run as the same user as the child.
@pytest.mark.parametrize("target", ["server", "judge"])
def test_no_signal_reaches_the_judge_or_the_fork_server(hostile, target):
    # The real pids, given to the child (in its own PID namespace it could not find them).
    pid = hostile.judge._server.pid if target == "server" else os.getpid()
    code = src(
        "import os, signal",
        "def double(x):",
        f"    os.kill({pid}, signal.SIGSTOP)",
        "    return 2 * x")
    r = hostile.run("act1.double", code)
    assert r.status is S.RUNTIME_ERROR and "Operation not permitted" in r.message
    assert hostile.judge._server.alive()


def test_no_files_created_in_dev(hostile):
    code = src(
        "def double(x):",
        "    open('/dev/shm/torchenstein-hostile', 'wb').write(b'0' * 1024)",
        "    return 2 * x")
    r = hostile.run("act1.double", code)
    assert r.status is S.RUNTIME_ERROR and "Permission denied" in r.message
    assert not os.path.exists("/dev/shm/torchenstein-hostile")
    fine = src("def double(x):", "    open('/dev/null', 'w').write('discarded')",
               "    return 2 * x")
    assert hostile.run("act1.double", fine).status is S.PASS


def test_a_forged_overlapping_tensor_is_not_expanded_in_the_judge(hostile):
    code = src(
        "import io, os, struct, torch",
        "def double(x):",
        "    huge = torch.arange(1024).reshape(1, 1024).expand(2 ** 40, 1024)",
        "    buf = io.BytesIO()",
        "    torch.save({'phase': 'case', 'index': 0, 'output': {'__tensor__': huge}}, buf)",
        "    data = buf.getvalue()",
        "    os.write(4, struct.pack('<Q', len(data)) + data)",
        "    return 2 * x")
    r = hostile.run("act1.double", code)
    assert r.status is not S.PASS and r.status is not S.INTERNAL_ERROR
