"""The process boundary: a child affects no process but its own descendants, everything a run
starts is swept (even when its judge dies), the run folder is capped as a whole, a child has no
network unless its puzzle declares loopback, and declared processes work (DataLoader workers
sharing tensors, a gloo process group on 127.0.0.1).

Each probe gives the child the real pids of processes outside its run (the judge, the fork
server, a bystander standing for the player's UI) and then checks those processes from outside.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from game.core.content import load_catalog
from game.core.result import Result, Status
from game.engine.forkserver import NAMESPACES_ENV, parents
from game.engine.judge import Judge

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "content"
GOOD = "def double(x):\n    return 2 * x\n"

WORKERS = '''\
import torch
from torch.utils.data import DataLoader, TensorDataset


def doubled(x):
    loader = DataLoader(TensorDataset(x), batch_size=2, num_workers=2)
    return torch.cat([2 * batch for (batch,) in loader])
'''

GLOO = '''\
import socket

import torch
import torch.distributed as dist
import torch.multiprocessing as mp


def _rank(rank, x, port, results, received):
    dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank,
                            world_size=2)
    total = x.clone()
    dist.all_reduce(total)
    if rank == 0:
        results.put(total)  # shared memory: its sender must live until it is received
        received.wait()
    dist.destroy_process_group()


def allsum(x):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    ctx = mp.get_context("fork")
    results, received = ctx.SimpleQueue(), ctx.Event()
    ranks = [ctx.Process(target=_rank, args=(r, x, port, results, received))
             for r in range(2)]
    for p in ranks:
        p.start()
    total = results.get().clone()
    received.set()
    for p in ranks:
        p.join()
    return total
'''


def _puzzle(root: Path, name: str, entry: str, solution: str, rules: str) -> None:
    """A fixture puzzle whose answer is 2 * x, solved in `solution`, with `rules`."""
    folder = root / "puzzles" / "act1" / name
    shutil.copytree(FIXTURES / "puzzles" / "act1" / "double", folder)
    (folder / "mutants" / "wrong.py").write_text(f"def {entry}(x):\n    return x\n")
    (folder / "puzzle.toml").write_text(
        f'id = "act1.{name}"\ntitle = "Fixture {name}"\nentry = "{entry}"\n'
        f'signature = "{entry}(x: Tensor) -> Tensor"\nremark = "An isolation fixture."\n\n'
        f'[limits]\nwall_s = 30\nmemory_mb = 768\n\n[rules]\n{rules}\n\n'
        '[hints]\nduck = "Quack?"\nidea = "The idea."\nalmost = "Almost."\n\n'
        '[[mutants]]\nfile = "wrong.py"\nverdict = "wrong_answer"\n')
    (folder / "check.py").write_text(
        (FIXTURES / "puzzles" / "act1" / "double" / "check.py").read_text()
        .replace("grad=True", "grad=False"))
    (folder / "solution.py").write_text(solution)
    (folder / "starter.py").write_text(f"def {entry}(x):\n    ...\n")


def descendants(root: int) -> set[int]:
    table = parents()
    found, frontier = set(), {root}
    while frontier:
        frontier = {p for p, pp in table.items() if pp in frontier} - found
        found |= frontier
    return found


def in_run_dirs(tmp_root: str) -> set[int]:
    """Processes anywhere on the machine whose working directory is one of our run folders."""
    pids = set()
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                if os.readlink(f"/proc/{name}/cwd").startswith(tmp_root):
                    pids.add(int(name))
            except OSError:
                continue
    return pids


class Isolated:
    def __init__(self, judge: Judge, tmp_root: str, before: set[int], namespaces: bool) -> None:
        self.judge, self.tmp_root, self.before = judge, tmp_root, before
        self.namespaces = namespaces

    def run(self, puzzle: str, source: str) -> Result:
        result = self.judge.verify(puzzle, source)
        server = self.judge._server.pid
        assert descendants(os.getpid()) - self.before <= {server}, "a process of the run survived"
        assert not descendants(server), "a process survived below the fork server"
        assert not in_run_dirs(self.tmp_root), "a process is still in a run folder"
        assert not os.listdir(self.tmp_root), "a run folder was left behind"
        return result


@pytest.fixture(scope="module")
def content(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("content")
    shutil.copytree(FIXTURES / "puzzles", root / "puzzles")
    _puzzle(root, "workers", "doubled", WORKERS, "processes = 2")
    _puzzle(root, "gloo", "allsum", GLOO, 'processes = 2\nnetwork = "loopback"')
    return root


@pytest.fixture(scope="module", params=["namespaces", "fallback"])
def iso(request: pytest.FixtureRequest, content: Path,
        tmp_path_factory: pytest.TempPathFactory) -> Iterator[Isolated]:
    """A judge whose runs get namespaces, and one whose runs get only the layers that stand in
    for them where the kernel has none (seccomp, Landlock, the sweep, a polled quota)."""
    tmp_root = str(tmp_path_factory.mktemp("isoruns"))
    before = descendants(os.getpid())
    env = os.environ.get(NAMESPACES_ENV)
    os.environ[NAMESPACES_ENV] = "1" if request.param == "namespaces" else "0"
    try:
        judge = Judge(load_catalog(content), tmp_root=tmp_root)  # forks its server now
    finally:
        if env is None:
            os.environ.pop(NAMESPACES_ENV)
        else:
            os.environ[NAMESPACES_ENV] = env
    with judge:
        assert judge.verify("act1.double", GOOD).status is Status.PASS
        yield Isolated(judge, tmp_root, before, request.param == "namespaces")


@pytest.fixture()
def bystander(iso: Isolated) -> Iterator[int]:
    """Another process of the same user (the player's UI, a shell): nothing may reach it."""
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    iso.before.add(proc.pid)
    try:
        yield proc.pid
    finally:
        proc.kill()
        proc.wait()
        iso.before.discard(proc.pid)


def _state(pid: int) -> str:
    with open(f"/proc/{pid}/stat") as fh:
        return fh.read().rsplit(")", 1)[1].split()[0]


def src(*lines: str) -> str:
    return "\n".join(lines) + "\n"


# -- no process outside the run --------------------------------------------------------------
def test_prlimit_on_another_process_is_refused(iso, bystander):
    server = iso.judge._server.pid
    targets = [os.getpid(), server, bystander]
    before = {pid: resource.prlimit(pid, resource.RLIMIT_NOFILE) for pid in targets}
    code = src(
        "import resource",
        "def double(x):",
        "    reached = []",
        f"    for pid in {targets}:",
        "        try:",
        "            resource.prlimit(pid, resource.RLIMIT_NOFILE, (17, 17))",
        "            reached.append(pid)",
        "        except OSError:",
        "            pass",
        "    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)",
        "    resource.prlimit(0, resource.RLIMIT_NOFILE, (soft - 1, hard))  # itself: fine",
        "    assert not reached, f'changed the limits of {reached}'",
        "    return 2 * x")
    r = iso.run("act1.double", code)
    assert r.status is Status.PASS, r.message
    assert {pid: resource.prlimit(pid, resource.RLIMIT_NOFILE) for pid in targets} == before


@pytest.mark.parametrize("puzzle", ["act1.double", "act1.workers"])
def test_nothing_reaches_the_judge_the_server_or_a_bystander(iso, bystander, puzzle):
    """Signals, priorities, ptrace, process_vm_readv and pidfds: in both seccomp policies."""
    server = iso.judge._server.pid
    targets = [os.getpid(), server, bystander]
    nice_before = {pid: os.getpriority(os.PRIO_PROCESS, pid) for pid in targets}
    entry = "double" if puzzle == "act1.double" else "doubled"
    code = src(
        "import ctypes, os, signal",
        "libc = ctypes.CDLL(None, use_errno=True)",
        f"def {entry}(x):",
        "    reached = []",
        f"    for pid in {targets}:",
        "        for name, attempt in [",
        "            ('kill', lambda: os.kill(pid, signal.SIGSTOP)),",
        "            ('killpg', lambda: os.killpg(pid, signal.SIGSTOP)),",
        "            ('setpriority', lambda: os.setpriority(os.PRIO_PROCESS, pid, 19)),",
        "            ('pidfd_open', lambda: os.pidfd_open(pid)),",
        "        ]:",
        "            try:",
        "                attempt()",
        "                reached.append((name, pid))",
        "            except OSError:",
        "                pass",
        "        if libc.ptrace(16, pid, None, None) == 0:  # PTRACE_ATTACH",
        "            reached.append(('ptrace', pid))",
        "        buf = ctypes.create_string_buffer(8)",
        "        local = (ctypes.c_void_p * 2)(ctypes.addressof(buf), 8)",
        "        remote = (ctypes.c_void_p * 2)(0x400000, 8)",
        "        if libc.process_vm_readv(pid, local, 1, remote, 1, 0) >= 0:",
        "            reached.append(('process_vm_readv', pid))",
        "        elif ctypes.get_errno() not in (1, 3, 38):  # EPERM, ESRCH, ENOSYS",
        "            reached.append(('process_vm_readv', pid, ctypes.get_errno()))",
        "    assert not reached, f'reached {reached}'",
        "    return 2 * x")
    r = iso.run(puzzle, code)
    assert r.status is Status.PASS, r.message
    for pid in targets:
        assert _state(pid) not in ("T", "t", "Z"), f"process {pid} was stopped or killed"
    assert {pid: os.getpriority(os.PRIO_PROCESS, pid) for pid in targets} == nice_before
    assert iso.judge._server.alive()


def test_the_child_cannot_keep_itself_alive_past_its_parent(iso):
    """prctl(PR_SET_PDEATHSIG, 0) is refused; a grandchild cannot outlive the run either."""
    code = src(
        "import ctypes",
        "def doubled(x):",
        "    libc = ctypes.CDLL(None, use_errno=True)",
        "    assert libc.prctl(1, 0, 0, 0, 0) != 0, 'cleared its parent-death signal'",
        "    return 2 * x")
    assert iso.run("act1.workers", code).status is Status.PASS
    stray = src(  # one stray per run (a stray per case would pass the declared count)
        "import os, time",
        "started = []",
        "def doubled(x):",
        "    if not started and not started.append(1) and os.fork() == 0:",
        "        os.setsid()",
        "        if os.fork() == 0:",
        "            time.sleep(120)",
        "        os._exit(0)",
        "    return 2 * x")
    assert iso.run("act1.workers", stray).status is Status.PASS  # and nothing survived


def test_a_killed_judge_leaves_no_process_and_no_run_folder(content, tmp_path):
    """The child tries to kill its judge (and to outlive it); then the judge is killed from
    outside while the child runs: everything the run started goes, and a fresh judge removes
    the old run folder. (The run root's long path also checks that multiprocessing's AF_UNIX
    sockets, at most 108 bytes of path, do not live beneath it.)"""
    runs = tmp_path / "a-run-root-whose-path-is-long-enough-for-sockets" / "runs"
    runs.mkdir(parents=True)
    env = {**os.environ, "TORCHENSTEIN_CONTENT": str(content),
           "TORCHENSTEIN_RUN_ROOT": str(runs), "PYTHONPATH": str(ROOT)}

    def start() -> subprocess.Popen:
        proc = subprocess.Popen([sys.executable, "-m", "game.engine.service"], cwd=ROOT,
                                env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                text=True, start_new_session=True)
        assert json.loads(proc.stdout.readline())["event"] == "ready"
        return proc

    def ask(proc: subprocess.Popen, rid: int, source: str) -> None:
        proc.stdin.write(json.dumps({"id": rid, "op": "verify", "puzzle": "act1.workers",
                                     "source": source}) + "\n")
        proc.stdin.flush()

    service = start()
    try:
        attack = src(
            "import ctypes, os, resource, signal, time",
            "def doubled(x):",
            "    ctypes.CDLL(None).prctl(1, 0, 0, 0, 0)",
            f"    for pid in {{{service.pid}, os.getppid()}} - {{0}}:  # 0 would be itself",
            "        for attempt in (lambda: resource.prlimit(pid, resource.RLIMIT_CPU, (1, 1)),",
            "                        lambda: os.kill(pid, signal.SIGKILL)):",
            "            try:",
            "                attempt()",
            "            except OSError:",
            "                pass",
            "    time.sleep(120)")
        ask(service, 1, attack)
        answer = json.loads(service.stdout.readline())
        assert answer["result"]["status"] == "time_limit", answer
        assert service.poll() is None, "the judge died"
        assert resource.prlimit(service.pid, resource.RLIMIT_CPU)[0] == resource.RLIM_INFINITY

        ask(service, 2, src("import time", "def doubled(x):", "    time.sleep(120)"))
        deadline = time.monotonic() + 30
        # Its run folder and its processes (found by ancestry: without root, another user
        # namespace's working directories cannot be read).
        while not (os.listdir(runs) and len(descendants(service.pid)) >= 2) \
                and time.monotonic() < deadline:
            time.sleep(0.05)
        run = descendants(service.pid)
        assert os.listdir(runs) and len(run) >= 2, "the child never started"
        service.kill()
        service.wait()
        deadline = time.monotonic() + 5
        while (in_run_dirs(str(runs)) or run & set(parents())) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not in_run_dirs(str(runs)), "a process of the run outlived its judge"
        assert not run & set(parents()), "a process of the run outlived its judge"
    finally:
        service.kill()
        service.wait()

    fresh = start()
    try:
        ask(fresh, 1, WORKERS)
        answer = json.loads(fresh.stdout.readline())
        assert answer["result"]["status"] == "pass", answer
        assert not [n for n in os.listdir(runs) if n.startswith("torchenstein-run-")]
    finally:
        fresh.stdin.close()
        fresh.wait(timeout=30)


# -- the run folder's quota --------------------------------------------------------------------
@pytest.mark.parametrize("puzzle", ["act1.double", "act1.workers"])
def test_many_files_together_hit_the_quota(iso, puzzle):
    """1 GiB in 1 MiB files (each far below the per-file limit), errors ignored."""
    entry = "double" if puzzle == "act1.double" else "doubled"
    code = src(
        f"def {entry}(x):",
        "    block = b'0' * (1 << 20)",
        "    for i in range(1024):",
        "        try:",
        "            with open(f'part{i}.bin', 'wb') as fh:",
        "                fh.write(block)",
        "        except OSError:",
        "            pass",
        "    return 2 * x")
    r = iso.run(puzzle, code)
    assert r.status is Status.OUTPUT_LIMIT, r.message
    fine = src(f"def {entry}(x):", "    open('notes.txt', 'w').write('x' * 100_000)",
               "    return 2 * x")
    assert iso.run(puzzle, fine).status is Status.PASS


def test_shared_memory_is_capped_too(iso):
    if not iso.namespaces:
        pytest.skip("without a mount namespace /dev/shm is the machine's (game doctor says so)")
    code = src(
        "def doubled(x):",
        "    block = b'0' * (1 << 20)",
        "    for i in range(1024):",
        "        try:",
        "            with open(f'/dev/shm/part{i}', 'wb') as fh:",
        "                fh.write(block)",
        "        except OSError:",
        "            pass",
        "    return 2 * x")
    r = iso.run("act1.workers", code)
    assert r.status is Status.OUTPUT_LIMIT, r.message
    assert not [n for n in os.listdir("/dev/shm") if n.startswith("part")]


# -- network ---------------------------------------------------------------------------------
NET_PROBE = src(
    "import socket",
    "def {entry}(x):",
    "    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)",
    "    s.settimeout(2)",
    "    s.connect(('192.0.2.1', 80))",
    "    return 2 * x")


def test_no_network_by_default(iso):
    r = iso.run("act1.double", NET_PROBE.format(entry="double"))
    assert r.status is Status.RUNTIME_ERROR
    assert "PermissionError" in r.message, r.message  # not even a socket


def test_loopback_puzzles_reach_only_loopback(iso):
    if not iso.namespaces:
        pytest.skip("without a network namespace loopback puzzles are not isolated (doctor)")
    r = iso.run("act1.gloo", NET_PROBE.format(entry="allsum"))
    assert r.status is Status.RUNTIME_ERROR
    assert "Network is unreachable" in r.message, r.message


# -- declared processes work -------------------------------------------------------------------
def test_dataloader_workers_share_tensors(iso):
    r = iso.run("act1.workers", WORKERS)
    assert r.status is Status.PASS, r.message + (r.traceback or "")


def test_gloo_all_reduce_over_loopback(iso):
    r = iso.run("act1.gloo", GLOO)
    assert r.status is Status.PASS, r.message + (r.traceback or "")


def test_undeclared_puzzles_start_no_process_and_none_execs(iso):
    fork = src("import ctypes", "libc = ctypes.CDLL(None, use_errno=True)",
               "def double(x):", "    pid = getattr(libc, 'fo' + 'rk')()",
               "    if pid == 0:", "        libc._exit(0)",
               "    assert pid == -1 and ctypes.get_errno() == 1, 'forked'", "    return 2 * x")
    assert iso.run("act1.double", fork).status is Status.PASS
    exec_ = src("import subprocess", "def doubled(x):", "    subprocess.run(['true'])",
                "    return 2 * x")
    r = iso.run("act1.workers", exec_)
    assert r.status is Status.RUNTIME_ERROR, r.message


# -- the declared count holds -------------------------------------------------------------------
TOO_MANY = {
    # Each process forks again: thousands within a second, unless the run is stopped.
    "fork_bomb": src("import os, time", "def doubled(x):", "    for _ in range(12):",
                     "        os.fork()", "    time.sleep(20)", "    return 2 * x"),
    # Six workers held at once where the puzzle declares two.
    "six_workers": src("import multiprocessing as mp, time", "def doubled(x):",
                       "    ps = [mp.Process(target=time.sleep, args=(20,)) for _ in range(6)]",
                       "    for p in ps:", "        p.start()", "    for p in ps:",
                       "        p.join()", "    return 2 * x"),
}


@pytest.mark.parametrize("code", list(TOO_MANY.values()), ids=list(TOO_MANY))
def test_a_run_holds_no_more_processes_than_its_puzzle_declares(iso, code):
    r = iso.run("act1.workers", code)
    assert r.status is Status.RUNTIME_ERROR, r.message
    assert "processes running at once" in r.message and "allows 2" in r.message, r.message
    assert r.duration_ms < 10_000, "the run went on towards its wall limit"


@pytest.mark.parametrize("puzzle", ["act1.double", "act1.workers"])
def test_the_exit_report_names_the_layers_and_the_cpu_time(iso, puzzle):
    """The fork server's exit message: the layers the run got, and the child's CPU time as the
    kernel counted it (a busy loop of about 0.3 s cannot report less)."""
    server, real = iso.judge._server, iso.judge._server.sock
    seen: list[dict] = []

    class Spy:
        """The judge's end of the fork server's socket, recording each message."""

        def __getattr__(self, name: str):
            return getattr(real, name)

        def recv(self, n: int) -> bytes:
            data = real.recv(n)
            with contextlib.suppress(ValueError):
                seen.append(json.loads(data))
            return data

    entry = "double" if puzzle == "act1.double" else "doubled"
    busy = src("import time", f"def {entry}(x):", "    end = time.process_time() + 0.3",
               "    while time.process_time() < end:", "        pass", "    return 2 * x")
    server.sock = Spy()
    try:
        assert iso.run(puzzle, busy).status is Status.PASS
    finally:
        server.sock = real
    exit_msg = next(m for m in seen if "exit_code" in m)
    assert exit_msg["cpu_ns"] >= 300_000_000
    assert exit_msg["quota_exceeded"] is False
    layers = exit_msg["isolation"]
    assert layers["mount_ns"] is layers["net_ns"] is iso.namespaces
    # Only a child that may start processes gets a PID namespace (and a private /proc).
    with_processes = puzzle == "act1.workers" and iso.namespaces
    assert layers["pid_ns"] is layers["proc"] is with_processes
    assert layers["shm"] == ("private" if with_processes else
                             "shared" if puzzle == "act1.workers" else "none")
    assert layers["quota"] == ("tmpfs" if iso.namespaces else "watch")
