"""The judge's trust boundary, probed by class: what the child sends, what the rules let it reach,
and the budgets it could try to lower. Each probe is a submission doing what any hostile one may
do; the verdict must be the submission's fault, come within the wall limit + 1 s, and leave the
judge working (the `hostile.run` helper checks the last part)."""

from __future__ import annotations

import resource
import time

import pytest

from game.core.result import Result, Status

S = Status
WALL_S = 3  # the fixture puzzles' wall limit

# Frames written straight into the result channel (descriptor 4) in the runner's own format.
FRAME = """
import io, os, struct, torch

def frame(data):
    try:
        from game.engine import wire
        return wire.HEADER.pack(wire.MAGIC, wire.WIRE_VERSION, len(data)) + data
    except ImportError:
        return struct.pack('<Q', len(data)) + data

def save(message):
    buf = io.BytesIO()
    torch.save(message, buf)
    return buf.getvalue()

def send(data):
    data = frame(data)
    while data:
        data = data[os.write(4, data):]
"""


def src(*lines: str) -> str:
    return "\n".join(lines) + "\n"


def judged_in_time(r: Result, wall_s: float = WALL_S) -> None:
    assert r.duration_ms < (wall_s + 1) * 1000, f"the verdict took {r.duration_ms} ms"


def rss_growth_mib(before: int) -> float:
    return (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024


# -- forged frames ------------------------------------------------------------------------------

def test_compressed_records_are_refused_before_they_inflate(hostile):
    code = FRAME + src(
        "import zipfile",
        "def double(x):",
        "    stored = zipfile.ZipFile(io.BytesIO(save({'phase': 'case', 'index': 0,",
        "        'output': {'__tensor__': torch.zeros(16 << 20)}})))",
        "    buf = io.BytesIO()",
        "    with zipfile.ZipFile(buf, 'w', zipfile.ZIP_DEFLATED, compresslevel=1) as z:",
        "        for info in stored.infolist():",
        "            z.writestr(info.filename, stored.read(info.filename))",
        "    send(buf.getvalue())",
        "    os._exit(0)")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    r = hostile.run("act1.double", code)
    assert r.status is S.RUNTIME_ERROR, r.message
    assert "compressed" in r.message
    assert rss_growth_mib(before) < 100  # 2 x 64 MiB: inflated, then loaded


def test_a_pickle_of_many_opcodes_is_refused_and_the_verdict_comes_in_time(hostile):
    # Lists in lists: the safe unpickler is pure Python, each opcode costs a microsecond or more.
    code = FRAME + src(
        "def double(x):",
        "    pickle = b'\\x80\\x02]' + b'(]e' * 3_000_000 + b'.'",
        "    buf = io.BytesIO()",
        "    import zipfile",
        "    with zipfile.ZipFile(buf, 'w') as z:",
        "        z.writestr('archive/data.pkl', pickle)",
        "        z.writestr('archive/version', '3\\n')",
        "    for _ in range(4):",
        "        send(buf.getvalue())",
        "    return 2 * x")
    r = hostile.run("act1.double", code)
    assert r.status is S.RUNTIME_ERROR, r.message
    judged_in_time(r)


def test_slow_frames_do_not_delay_the_verdict_past_the_limit(hostile):
    # Each frame is within every size limit but slow to read; the answer itself is correct.
    code = FRAME + src(
        "def double(x):",
        "    pad = [[i] for i in range(150_000)]",
        "    for i in range(40):",
        "        send(save({'phase': 'case', 'index': 1000 + i, 'output': 1, 'pad': pad}))",
        "    return 2 * x")
    start = time.monotonic()
    r = hostile.judge.verify("act1.double", code)
    assert time.monotonic() - start < WALL_S + 1
    assert r.status is not S.INTERNAL_ERROR and r.status is not S.PASS, r.message
    hostile.assert_clean()


@pytest.mark.parametrize("message", [
    "{'phase': 'case', 'index': 0, 'output': {'__seq__': 'list', 'items': 5}}",
    "{'phase': 'case', 'index': 0, 'output': {'__tensor__': 2 * x, 'device': 7}}",
    "{'phase': 'case', 'index': 0, 'output': 2, 'calls': [1, 2], 'loop': {'name': 3}}",
    "{'phase': 'case', 'index': 'first', 'output': {'__size__': 'big'}}",
    "{'phase': 'case', 'index': 0, 'output': {'__dict__': {1: 2}}}",
    "{'phase': 'case', 'index': 0, 'output': {'__tensor__': 2 * x}, 'error': 42}",
    "{'phase': 'static', 'findings': [{'rule': 1}]}",
    "['not', 'a', 'message']",
])
def test_ill_typed_frames_are_the_submissions_fault(hostile, message):
    code = FRAME + src("def double(x):", f"    send(save({message}))", "    os._exit(0)")
    r = hostile.run("act1.double", code)
    assert r.status is S.RUNTIME_ERROR, r.message
    assert "not your fault" not in r.message


def test_a_frame_announcing_gigabytes_is_refused_at_its_header(hostile):
    code = FRAME + src(
        "def double(x):",
        "    try:",
        "        from game.engine import wire",
        "        head = wire.HEADER.pack(wire.MAGIC, wire.WIRE_VERSION, 1 << 40)",
        "    except ImportError:",
        "        head = struct.pack('<Q', 1 << 40)",
        "    os.write(4, head + b'x' * 1000)",
        "    return 2 * x")
    r = hostile.run("act1.double", code)
    assert r.status is S.RUNTIME_ERROR, r.message
    judged_in_time(r)


def test_a_repeated_case_frame_is_refused(hostile):
    code = FRAME + src("def double(x):",
                       "    send(save({'phase': 'case', 'index': 0, 'output': 1}))",
                       "    return 2 * x")
    assert hostile.run("act1.double", code).status is S.RUNTIME_ERROR


def test_a_quantized_result_is_the_wrong_type(hostile):
    code = src("import torch", "def double(x):",
               "    return torch.quantize_per_tensor(2 * x, 0.1, 0, torch.qint8)")
    r = hostile.run("act1.double", code)
    assert r.status is S.WRONG_ANSWER, r.message
    assert any(t.mismatch == "type" for t in r.tests)


# -- text ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("code", [
    src("def double(x):", "    print('\\udcff \\x1b[2J \\x00')", "    return 2 * x"),
    src("def double(x):", "    raise ValueError('\\ud800\\x1b[31m')"),
    src("def double(x):", "    return '\\udcff'"),
])
def test_surrogates_and_control_characters_never_reach_the_json(hostile, code):
    r = hostile.run("act1.double", code)
    text = r.model_dump_json()  # raised on a lone surrogate
    assert "\\u001b" not in text and "\\u0000" not in text
    text.encode("utf-8")


def test_a_latin1_file_with_a_coding_line_runs_as_python_would(hostile):
    code = "# -*- coding: latin-1 -*-\ndef double(x):\n    'café'\n    return 2 * x\n"
    assert hostile.run("act1.double", code.encode("latin-1")).status is S.PASS
    bare = hostile.run("act1.double", code.split("\n", 1)[1].encode("latin-1"))
    assert bare.status is S.SYNTAX_ERROR and "UTF-8" in bare.message


# -- the puzzle's own grading -------------------------------------------------------------------

def test_a_flood_of_valid_items_does_not_stall_the_grading():
    from game.core.content import load_catalog
    from game.engine.judge import Judge

    code = src(
        "import torch",
        "def build_training_set(images, labels, is_test, seed):",
        "    n = 500_000",
        "    return (images[:1].expand(n, *images.shape[1:]).contiguous(),",
        "            labels[:1].expand(n).contiguous())")
    with Judge(load_catalog()) as judge:
        wall_s = judge.catalog.puzzle("act1.fix_pipeline").spec.limits.wall_s
        r = judge.verify("act1.fix_pipeline", code, quick=True)
    assert r.status not in (S.PASS, S.INTERNAL_ERROR), r.message
    assert r.duration_ms < (wall_s + 2) * 1000, r.duration_ms


# -- rules in locked-down puzzles ---------------------------------------------------------------

# Calls the static check cannot name, made where the tracer does not look (with torch's function
# tracing switched off, or on another thread), through the standard library that torch's own
# modules expose as attributes.
HIDDEN_SOFTMAX = "typing.operator.methodcaller('soft' + 'max', -1)"


@pytest.mark.parametrize("puzzle,code", [
    ("act1.probs", src("import torch, typing", "def probs(x):",
                       "    with torch.DisableTorchFunction():",
                       f"        return {HIDDEN_SOFTMAX}(x)")),
    ("act1.probs", src("import torch", "def probs(x):",
                       "    m = torch.nn.modules.container.operator.methodcaller",
                       "    with torch.DisableTorchFunction():",
                       "        return m('soft' + 'max', -1)(x)")),
    ("act1.probs", src("import torch, typing", "def probs(x):", "    out = []",
                       f"    call = torch.serialization.functools.partial({HIDDEN_SOFTMAX})",
                       "    t = torch.cuda.threading.Thread(target=lambda: out.append(call(x)))",
                       "    t.start()", "    t.join()", "    return out[0]")),
    ("act1.probs", src("import torch", "def probs(x):",
                       "    with torch.DisableTorchFunction():",
                       "        return torch.builtins.getattr(torch, 'soft' + 'max')(x, -1)")),
    ("act1.probs", src("import torch", "import torch.nn.functional as F", "def probs(x):",
                       "    e = F.np.exp(x.numpy())",
                       "    return torch.from_numpy(e / e.sum(-1, keepdims=True))")),
    ("act1.squares", src("import torch", "def squares(x):",
                         "    return torch.stack(list(torch.builtins.map(lambda v: v * v, x)))")),
    ("act1.squares", src("import torch", "def squares(x):",
                         "    r = torch.serialization.functools.reduce",
                         "    return torch.stack(r(lambda acc, v: acc + [v * v], x, []))")),
    ("act1.squares", src("import typing", "def squares(x):",
                         "    return typing.functools.reduce(lambda a, b: a, [x * x])")),
])
def test_the_standard_library_is_not_reached_through_torch(hostile, puzzle, code):
    r = hostile.run(puzzle, code)
    assert r.status is S.CONSTRAINT_VIOLATION, r.message


@pytest.mark.parametrize("code", [
    src("import torch", "def probs(x):", "    with torch.DisableTorchFunction():",
        "        e = torch.exp(x - x.amax(-1, keepdim=True))",
        "    return e / e.sum(-1, keepdim=True)"),
    src("import torch", "def probs(x):", "    with torch.DisableTorchFunctionSubclass():",
        "        e = torch.exp(x - x.amax(-1, keepdim=True))",
        "    return e / e.sum(-1, keepdim=True)"),
    src("import torch.nn.functional as F", "def probs(x):",
        "    F.has_torch_function = lambda *a: False",
        "    e = (x - x.amax(-1, keepdim=True)).exp()", "    return e / e.sum(-1, keepdim=True)"),
])
def test_torch_function_tracing_cannot_be_switched_off(hostile, code):
    r = hostile.run("act1.probs", code)
    assert r.status is S.CONSTRAINT_VIOLATION, r.message


@pytest.mark.parametrize("code", [
    src("import torch", "def probs(x):", "    out = []",
        "    t = torch.cuda.threading.Thread(target=lambda: out.append(x.exp()))",
        "    t.start()", "    t.join()", "    e = out[0]",
        "    return e / e.sum(-1, keepdim=True)"),
    src("import torch", "def probs(x):", "    out = []",
        "    t = torch.threading.Timer(0.0, lambda: out.append(x.exp()))",
        "    t.start()", "    t.join()", "    e = out[0]",
        "    return e / e.sum(-1, keepdim=True)"),
])
def test_threads_cannot_be_started_in_a_locked_down_puzzle(hostile, code):
    r = hostile.run("act1.probs", code)
    assert r.status is S.CONSTRAINT_VIOLATION, r.message


def test_the_public_api_still_works_in_a_locked_down_puzzle(hostile):
    code = src("from __future__ import annotations", "import math", "from typing import Optional",
               "import torch", "import torch.nn.functional as F", "from torch import nn",
               "def probs(x: Optional[torch.Tensor]) -> torch.Tensor:",
               "    e = torch.exp(x - x.amax(-1, keepdim=True)) * math.exp(0.0)",
               "    e = F.relu(e) + nn.Identity()(e) * 0",
               "    return e / e.sum(-1, keepdim=True)")
    r = hostile.run("act1.probs", code)
    assert r.status is S.PASS, r.message


# -- budgets ------------------------------------------------------------------------------------

def test_a_replaced_clock_does_not_lower_the_time(hostile, monkeypatch):
    from game.engine import judge as judge_module

    monkeypatch.setattr(judge_module, "MIN_TIMED_NS", 0)
    code = src("import time", "time.perf_counter_ns = lambda: 0",
               "time.perf_counter = lambda: 0.0", "def double(x):",
               "    t = time.process_time()",
               "    while time.process_time() - t < 0.1:", "        pass",
               "    return 2 * x")
    r = hostile.run("act1.double", code)
    assert r.status is S.PASS, r.message
    assert r.metrics.time_ratio is not None and r.metrics.time_ratio > 100


# Memory the tensor meter in the child cannot see: numpy, another thread's tensors, a meter
# switched off. Each holds 256 MiB for a moment (a quarter of what the resident floor alone
# allows) and lets it go before returning.
ESCAPES = {
    "numpy": ["    import numpy", "    big = numpy.ones(256 << 20, dtype=numpy.uint8)",
              "    del big"],
    "thread": ["    import threading", "    held = []",
               "    t = threading.Thread(target=lambda: held.append(torch.ones(256 << 20, "
               "dtype=torch.uint8)))", "    t.start()", "    t.join()", "    held.clear()"],
    "meter_off": ["    from torch.utils._python_dispatch import _disable_current_modes",
                  "    with _disable_current_modes():",
                  "        big = torch.ones(256 << 20, dtype=torch.uint8)",
                  "        time.sleep(0.05)", "    del big"],
    "bytearray": ["    big = bytearray(256 << 20)", "    big[::4096] = b'x' * len(big[::4096])",
                  "    del big"],
}


@pytest.mark.parametrize("alloc", list(ESCAPES.values()), ids=list(ESCAPES))
def test_memory_outside_the_meter_still_counts(hostile, alloc):
    code = src("import time, torch", "def rowsums(a, b):", *alloc, "    return a @ b.sum(1)")
    r = hostile.judge.verify("act1.rowsums", code)
    hostile.assert_clean()
    assert r.status is S.WRONG_ANSWER, r.message
    assert r.tests[0].mismatch == "budget"
    assert r.metrics.peak_bytes > 100 << 20
    assert "measured from outside" in r.message


def test_the_meter_outside_does_not_blame_a_plain_answer(hostile):
    code = src("import torch", "def rowsums(a, b):", "    return a @ b.sum(1)")
    r = hostile.judge.verify("act1.rowsums", code)
    assert r.status is S.PASS, r.message


@pytest.mark.parametrize("override", [
    ["    def parameters(self, recurse=True):", "        return iter([])"],
    ["    def named_parameters(self, *a, **k):", "        return iter([])",
     "    def parameters(self, recurse=True):", "        return iter([])",
     "    def state_dict(self, *a, **k):", "        return {}"],
])
def test_overridden_parameters_do_not_hide_the_model(hostile, override):
    code = src("import torch", "from torch import nn", "class Compact(nn.Module):",
               "    def __init__(self, d):", "        super().__init__()",
               "        self.fc = nn.Sequential(nn.Linear(d, 256), nn.Linear(256, 1))",
               *override, "    def forward(self, x):", "        return self.fc(x)")
    r = hostile.judge.verify("act1.compact", code)
    hostile.assert_clean()
    assert r.status is S.WRONG_ANSWER, r.message
    assert r.metrics.params == 4 * 256 + 256 + 256 + 1


def test_tied_weights_count_once(hostile):
    code = src("import torch", "from torch import nn", "class Compact(nn.Module):",
               "    def __init__(self, d):", "        super().__init__()",
               "        self.a = nn.Linear(d, 1)", "        self.b = nn.Linear(d, 1)",
               "        self.b.weight = self.a.weight", "        self.b.bias = self.a.bias",
               "    def forward(self, x):", "        return self.b(self.a(x) * 0 + x)[:, :1]")
    r = hostile.judge.verify("act1.compact", code)
    assert r.metrics.params == 5, r.message
