"""The fork server: a process that has imported torch and holds nothing else.

It is forked from the judge before the judge builds any case, so its memory holds no reference
values. For each request it forks one child (about 20 ms instead of a 2 s `import torch`), reports
the child's pid, waits for it, sweeps any orphan it left behind, and reports how it ended.
The judge talks to it over a SOCK_SEQPACKET socket and hands it the child's pipes as descriptors.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import socket
import sys
import tempfile
import time

from game.engine import sandbox

MAX_FDS = 3  # job (read end), result (write end), stdout+stderr (write end)


def parents() -> dict[int, int]:
    """pid -> parent pid of every living process (zombies excluded), read from /proc."""
    found = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2:].split()
        if len(fields) > 1 and fields[0] != b"Z":
            found[int(name)] = int(fields[1])
    return found


def sweep() -> int:
    """Kill every orphan re-parented to us (we are a subreaper). Returns how many were killed."""
    killed = 0
    me = os.getpid()
    quiet_rounds = 0
    for _ in range(200):
        strays = [pid for pid, parent in parents().items() if parent == me]
        for pid in strays:
            try:
                os.kill(pid, signal.SIGKILL)
                killed += 1
            except ProcessLookupError:
                pass
        while True:
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
        quiet_rounds = quiet_rounds + 1 if not strays else 0
        if quiet_rounds >= 2:
            break
        time.sleep(0.005)
    return killed


def _child(req: dict, fds: list[int], sock: socket.socket, workdir: str) -> None:
    """Runs in the forked child; never returns."""
    code = 70
    try:
        os.setsid()
        sandbox.die_with_parent()
        job_fd, result_fd, stdio_fd = fds
        sock.close()
        os.chdir(workdir)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.dup2(stdio_fd, 1)
        os.dup2(stdio_fd, 2)
        os.dup2(job_fd, 3)
        os.dup2(result_fd, 4)
        sandbox.close_fds_except({0, 1, 2, 3, 4})
        for key in [k for k in os.environ if k.startswith("TORCHENSTEIN")]:
            del os.environ[key]
        os.environ["HOME"] = workdir
        os.environ["TMPDIR"] = workdir
        tempfile.tempdir = workdir
        sys.stdin = open(0, closefd=False)
        sys.stdout = open(1, "w", buffering=1, closefd=False)
        sys.stderr = open(2, "w", buffering=1, closefd=False)
        if req.get("confine", True):
            # Writes only in the run's own folder (and existing device files, for the GPU
            # drivers); no capabilities, so a child running as root cannot reach the judge.
            req["landlock"] = sandbox.confine_writes([workdir], sandbox.device_files())
            req["caps_dropped"] = sandbox.drop_capabilities()
        import torch

        # One intra-op thread: OpenMP cannot be used in a child forked from a process whose
        # thread pool already ran (the judge may have computed before it forked us), and one
        # core per check keeps the machine responsive anyway.
        torch.set_num_threads(1)
        from game.engine import runner

        code = runner.main(3, 4, req)
    except BaseException:  # noqa: BLE001 - a child must never return into the server loop
        code = 71
    finally:
        os._exit(code)


def warm_up() -> None:
    """Pay once, here, the lazy costs that every child would otherwise pay on its first case:
    modules torch imports on first use (the symbolic-shapes machinery behind some backward
    formulas alone is ~0.3 s) and the first save/load. Tiny CPU tensors only: no thread pool
    starts, and nothing here touches CUDA."""
    import io
    import math

    import torch
    import torch.fx.experimental.symbolic_shapes  # noqa: F401

    from game.engine import runner

    tracer = runner.Tracer()
    x = torch.linspace(-1, 1, 4, dtype=torch.float64)
    with tracer:
        y = 0.5 * x * (1 + torch.erf(x / math.sqrt(2)))
    buf = io.BytesIO()
    torch.save({"y": y, "encoded": runner.encode([y, 1, "s"])}, buf)
    torch.load(io.BytesIO(buf.getvalue()), weights_only=True)
    if not torch.backends.cuda.is_built():
        # Autograd's first backward starts per-device engine threads; on a CUDA build that
        # would probe the driver in this process, which must stay CUDA-free for its children.
        leaf = x.clone().requires_grad_(True)
        torch.autograd.grad([(leaf.exp() * leaf.erf()).sum()], [leaf])


def warm_up_idle() -> None:
    """Slower set-up, done only while no request waits: the first dispatch mode (memory budgets)
    imports torch._dynamo, about 2.5 s."""
    import torch

    from game.engine.memory import PeakMemory

    with PeakMemory():
        torch.ones(2).add(1)


def serve(sock: socket.socket) -> None:
    """The server loop. Ends when the judge closes its end of the socket."""
    warm_up()
    sandbox.become_subreaper()
    sandbox.die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    idle_work = [warm_up_idle]
    while True:
        if idle_work and not select.select([sock], [], [], 0.2)[0]:
            idle_work.pop()()
            continue
        try:
            msg, fds, _flags, _addr = socket.recv_fds(sock, 1 << 16, MAX_FDS)
        except (ConnectionResetError, OSError):
            return
        if not msg:
            return
        req = json.loads(msg)
        if len(fds) != MAX_FDS:
            for fd in fds:
                os.close(fd)
            sock.send(json.dumps({"error": "expected 3 descriptors"}).encode())
            continue
        if req.get("measure_memory") and idle_work:
            # Paid here, before the child exists, so it never counts against its wall limit.
            idle_work.pop()()
        workdir = tempfile.mkdtemp(prefix="torchenstein-run-", dir=req.get("tmp_root"))
        pid = os.fork()
        if pid == 0:
            _child(req, fds, sock, workdir)
        for fd in fds:
            os.close(fd)
        sock.send(json.dumps({"pid": pid}).encode())
        _, status, usage = os.wait4(pid, 0)
        strays = sweep()
        shutil.rmtree(workdir, ignore_errors=True)
        sock.send(json.dumps({
            "pid": pid,
            "exit_code": os.waitstatus_to_exitcode(status),
            "maxrss_kib": usage.ru_maxrss,
            "strays_killed": strays,
        }).encode())


def main() -> None:
    """Entry point when started as its own process (`python -m game.engine.forkserver FD`)."""
    import torch  # noqa: F401 - the whole point: children inherit an imported torch

    sock = socket.socket(fileno=int(sys.argv[1]))
    serve(sock)


if __name__ == "__main__":
    main()
