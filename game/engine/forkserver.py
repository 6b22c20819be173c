"""The fork server: a process that has imported torch and holds nothing else.

It is forked from the judge before the judge builds any case, so its memory holds no reference
values. For each request it forks a child (about 20 ms instead of a 2 s `import torch`):

- a puzzle without processes: the child itself enters new network, mount and IPC namespaces
  (and a user namespace when not root), mounts a capped tmpfs on its run folder and hands it
  back; it may start no process, so it needs no PID namespace;
- a puzzle that declares processes: a keeper enters those namespaces and a PID namespace,
  starts its init (a small program that lives while the keeper does) and forks the child into
  it; when the child ends, the keeper ends the namespace and the kernel kills whatever is left.

The server reports the child's pid, waits for it, sweeps any orphan left behind where there is
no PID namespace, checks the quota, removes the run folder, and reports. Run folders of a
server that died are removed by the next one (each live server holds a lock on its own).

The judge talks to it over a SOCK_SEQPACKET socket and hands it the child's pipes as descriptors.
Messages to the judge: {"pid": N} when the child exists, then {"pid", "exit_code",
"maxrss_kib", "cpu_ns" (the child's user + system CPU time, from the kernel), "quota_exceeded"
(the run folder or /dev/shm filled its cap: the verdict is output_limit), "processes" (the
most a run with declared processes held at once, the child included) and "processes_allowed"
(besides the child; past it the keeper stopped the run), "strays_killed", "isolation" (the
layers the run got: sandbox.Isolation)}.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import resource
import select
import shutil
import signal
import socket
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass

from game.engine import sandbox

MAX_FDS = 3  # job (read end), result (write end), stdout+stderr (write end)
# The child's exit code when its set-up or the runner itself failed (not a submission's exit).
BROKEN = 74


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


def _living(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            stat = fh.read()
    except OSError:
        return False
    return stat[stat.rfind(b")") + 2:stat.rfind(b")") + 3] not in (b"Z", b"X", b"")


def descendants(roots: list[int]) -> set[int]:
    """The living processes at and below `roots` (zombies excluded), from /proc's lists of each
    thread's children; a whole scan of /proc where the kernel keeps no such lists."""
    if roots and not os.path.exists(f"/proc/{roots[0]}/task/{roots[0]}/children"):
        return _descendants_by_scan(roots)
    found: set[int] = set()
    todo = [r for r in roots if _living(r)]
    try:
        while todo:
            pid = todo.pop()
            if pid in found:
                continue
            found.add(pid)
            try:
                tasks = os.listdir(f"/proc/{pid}/task")
            except FileNotFoundError:
                continue
            for tid in tasks:
                try:
                    with open(f"/proc/{pid}/task/{tid}/children", "rb") as fh:
                        kids = fh.read().split()
                except FileNotFoundError:
                    continue
                todo.extend(k for k in map(int, kids) if k not in found and _living(k))
    except PermissionError:
        return _descendants_by_scan(roots)
    return found


def _descendants_by_scan(roots: list[int]) -> set[int]:
    tree = parents()
    found = {r for r in roots if r in tree}
    grew = True
    while grew:
        below = {pid for pid, parent in tree.items() if parent in found} - found
        found |= below
        grew = bool(below)
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
        if not strays and killed == 0:
            break  # none at all: a stray's own child would have been re-parented to us too
        quiet_rounds = quiet_rounds + 1 if not strays else 0
        if quiet_rounds >= 2:
            break
        time.sleep(0.005)
    return killed


RUN_PREFIX = "torchenstein-run-"
LINK_PREFIX = "torchenstein-tmp-"
# multiprocessing makes AF_UNIX sockets in $TMPDIR/pymp-XXXXXXXX/listener-XXXXXXXX, and such a
# path holds at most 107 bytes: a run folder longer than this is reached through a short link.
SHORT_TMP_MAX = 60


def short_link(workdir: str) -> str | None:
    """A short name in the system's temporary folder for `workdir` (None: it is short already,
    or no link could be made)."""
    if len(workdir) <= SHORT_TMP_MAX:
        return None
    base = "/tmp" if os.path.isdir("/tmp") else tempfile.gettempdir()
    for _ in range(20):
        link = os.path.join(base, LINK_PREFIX + os.urandom(4).hex())
        try:
            os.symlink(workdir, link)
            return link
        except FileExistsError:
            continue
        except OSError:
            return None
    return None


NAMESPACES_ENV = "TORCHENSTEIN_SANDBOX_NAMESPACES"  # "0": run without namespaces


def sweep_stale_runs(root: str | None) -> int:
    """Remove run folders left by a fork server that died (its judge was killed): each live
    server holds an exclusive lock on its run folder, so a folder whose lock can be taken is
    nobody's. Returns how many were removed."""
    root = root or tempfile.gettempdir()
    removed = 0
    for base in {"/tmp", tempfile.gettempdir()}:  # short links whose run folder is gone
        with contextlib.suppress(OSError):
            for name in os.listdir(base):
                link = os.path.join(base, name)
                if name.startswith(LINK_PREFIX) and os.path.islink(link) \
                        and not os.path.exists(link):
                    with contextlib.suppress(OSError):
                        os.unlink(link)
    try:
        names = [n for n in os.listdir(root) if n.startswith(RUN_PREFIX)]
    except OSError:
        return 0
    for name in names:
        path = os.path.join(root, name)
        try:
            fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            continue  # a live run
        try:
            shutil.rmtree(path, ignore_errors=True)
            removed += 1
        finally:
            os.close(fd)
    return removed


def _child(req: dict, fds: list[int], workdir: str, iso: sandbox.Isolation) -> None:
    """Runs in the child (forked by the server, or by the keeper into the run's PID namespace);
    never returns."""
    code = 70
    try:
        os.setsid()
        sandbox.die_with_parent()  # the server or the keeper: if it goes, so does the child
        if iso.pid_ns and iso.mount_ns:
            iso.proc = sandbox.mount_proc()
        processes, network = int(req.get("processes") or 0), str(req.get("network") or "none")
        sandbox.set_policy(processes=processes, network=network)
        job_fd, result_fd, stdio_fd = fds
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
        # Temporary files: the run folder, or the run's own /dev/shm, whose path is short
        # enough for the AF_UNIX sockets multiprocessing keeps there (108 bytes at most).
        tmp = "/dev/shm" if iso.shm == "private" else (req.get("short_tmp") or workdir)
        os.environ["HOME"] = workdir
        os.environ["TMPDIR"] = tmp
        if iso.loopback:
            os.environ.setdefault("GLOO_SOCKET_IFNAME", "lo")  # the only interface there is
        tempfile.tempdir = tmp
        sys.stdin = open(0, closefd=False)
        sys.stdout = open(1, "w", buffering=1, closefd=False)
        sys.stderr = open(2, "w", buffering=1, closefd=False)
        if processes > 0:
            # The seccomp policy for declared processes lets them fork (within the namespace).
            req["seccomp"] = True
        if req.get("confine", True):
            # Writes only in the run's own folder (and /dev/shm for processes that share
            # tensors, and existing device files, for the GPU drivers); no capabilities, so a
            # child running as root cannot reach the judge.
            writable = [workdir] + (["/dev/shm"] if iso.shm != "none" else [])
            loopback = network == "loopback" and processes > 0  # TCP, on lo where it can
            req["landlock"] = sandbox.confine_writes(writable, sandbox.device_files(),
                                                     tcp=loopback)
            req["caps_dropped"] = sandbox.drop_capabilities()
        import torch

        # One intra-op thread: OpenMP cannot be used in a child forked from a process whose
        # thread pool already ran (the judge may have computed before it forked us), and one
        # core per check keeps the machine responsive anyway.
        torch.set_num_threads(1)
        from game.engine import runner

        code = runner.main(3, 4, req)
    except SystemExit:
        code = 71  # the submission's own sys.exit, which the runner lets through: no result
    except BaseException:  # noqa: BLE001 - a child must never return into the server loop
        # Not the submission's exit: the set-up (or the runner) broke. Say why on the captured
        # output, so that the verdict can name it.
        with contextlib.suppress(BaseException):
            os.write(2, f"\n{type(sys.exc_info()[1]).__name__}: {sys.exc_info()[1]}\n"
                     .encode(errors="replace")[-1000:])
        code = BROKEN
    finally:
        os._exit(code)


# Processes a run may hold besides the child and the puzzle's own: multiprocessing's helpers
# (a fork server and a resource tracker, where its start method uses them).
HELPER_PROCESSES = 2


@dataclass
class Waited:
    status: int
    usage: resource.struct_rusage
    quota_exceeded: bool = False
    processes: int = 0  # the most processes seen at once, when they were counted


def _kill(pid: int) -> None:
    for kill in (os.killpg, os.kill):
        try:
            kill(pid, signal.SIGKILL)
        except OSError:
            pass


def _wait(pid: int, workdir: str, quota: int, watch: bool, *,
          count: Callable[[], int] | None = None, most: int = 0) -> Waited:
    """Wait for the child. With `watch` (no private tmpfs), poll the run folder's size and kill
    the child past `quota`. With `count` (how many processes the run has now), count every
    10 ms and kill the child (the caller then ends its namespace) when there are more than
    `most`."""
    exceeded, seen = False, 0
    polling = watch or count is not None
    while True:
        done, status, usage = os.wait4(pid, os.WNOHANG if polling else 0)
        if done:
            return Waited(status, usage, exceeded, seen)
        if watch and sandbox.folder_bytes(workdir, quota) > quota:
            exceeded, watch = True, False
            _kill(pid)
        if count is not None:
            now = count()
            seen = max(seen, now)
            if now > most:
                _kill(pid)
                count = None
        polling = watch or count is not None
        if polling:
            time.sleep(0.01)


def _direct_child(req: dict, fds: list[int], workdir: str, setup: socket.socket, quota: int,
                  namespaces: bool) -> None:
    """A child that may start no process: it isolates itself, reports how, and runs."""
    try:
        sandbox.die_with_parent()
        try:
            iso = sandbox.isolate(workdir, network=str(req.get("network") or "none"),
                                  processes=0, quota_bytes=quota, namespaces=namespaces,
                                  pid_namespace=False)
        except sandbox.UserNamespaceUnmapped:
            os._exit(NO_NAMESPACES)
        tmpfs = [os.open(workdir, os.O_RDONLY | os.O_DIRECTORY)] if iso.quota == "tmpfs" else []
        socket.send_fds(setup, [json.dumps(iso.as_dict()).encode()], tmpfs)
        setup.close()
        for fd in tmpfs:
            os.close(fd)
    except BaseException:  # noqa: BLE001 - never return into the server loop
        os._exit(70)
    _child(req, fds, workdir, iso)


def _ended(w: Waited) -> dict:
    return {"exit_code": os.waitstatus_to_exitcode(w.status), "maxrss_kib": w.usage.ru_maxrss,
            "cpu_ns": int(round((w.usage.ru_utime + w.usage.ru_stime) * 1e9)),
            "quota_exceeded": w.quota_exceeded, "processes": w.processes}


def _spawn_init() -> tuple[int, int] | None:
    """Start init of the new PID namespace: a small program (no fork of this big process) that
    lives until its stdin closes, that is until the keeper closes it or dies. When it ends, the
    kernel kills every process left in the namespace. Returns (its pid, the pipe's write end)."""
    cat = shutil.which("cat") or "/bin/cat"
    r, w = os.pipe()
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        pid = os.posix_spawn(cat, ["cat"], {}, file_actions=[
            (os.POSIX_SPAWN_DUP2, r, 0), (os.POSIX_SPAWN_DUP2, devnull, 1),
            (os.POSIX_SPAWN_DUP2, devnull, 2)])
    except OSError:
        os.close(w)
        return None
    finally:
        os.close(r)
        os.close(devnull)
    return pid, w


NO_NAMESPACES = 75  # the keeper's exit code when it entered a user namespace it cannot use


def _keeper(req: dict, fds: list[int], workdir: str, report: int, server: int,
            namespaces: bool) -> None:
    """Runs in the keeper (forked by the server); never returns. Enters the run's namespaces,
    forks the child, writes {"pid"} and then how it ended to `report`."""
    code = 0
    try:
        sandbox.die_with_parent()
        if os.getppid() != server:
            os._exit(1)
        quota = int(req.get("disk_mb") or sandbox.QUOTA_MB) << 20
        processes = int(req.get("processes") or 0)
        try:
            iso = sandbox.isolate(workdir, network=str(req.get("network") or "none"),
                                  processes=processes, quota_bytes=quota, namespaces=namespaces)
        except sandbox.UserNamespaceUnmapped:
            os._exit(NO_NAMESPACES)
        init = _spawn_init() if iso.pid_ns else None
        proc_dev = os.stat("/proc").st_dev  # the child mounts its own /proc in our namespace
        if init is None:
            iso.pid_ns = False  # no init, no namespace to end: the server sweeps instead
        pid = os.fork()
        if pid == 0:
            os.close(report)
            _child(req, fds, workdir, iso)
        for fd in fds:
            os.close(fd)
        os.write(report, json.dumps({"pid": pid}).encode() + b"\n")
        # The child, the puzzle's processes and multiprocessing's helpers; the namespace's init
        # is counted apart (it is ours).
        roots = [pid] + ([init[0]] if init else [])

        def count() -> int:
            if os.stat("/proc").st_dev != proc_dev:  # the namespace's own /proc: all of it
                return sum(1 for n in os.listdir("/proc")
                           if n.isdigit() and n != "1" and _living(int(n)))
            return len(descendants(roots)) - (len(roots) - 1)

        waited = _wait(pid, workdir, quota, iso.quota == "watch", count=count,
                       most=1 + processes + HELPER_PROCESSES)
        ended = _ended(waited)
        exceeded = waited.quota_exceeded
        if init is not None:  # end the namespace: the kernel kills what the child left
            os.close(init[1])
            try:
                os.kill(init[0], signal.SIGKILL)
            except OSError:
                pass
            os.waitpid(init[0], 0)
        iso.proc = iso.pid_ns and iso.mount_ns and os.stat("/proc").st_dev != proc_dev
        if iso.quota == "tmpfs":
            exceeded = sandbox.tmpfs_full(workdir)
        if iso.shm == "private":
            exceeded = exceeded or sandbox.tmpfs_full("/dev/shm")
        os.write(report, json.dumps({**ended, "quota_exceeded": exceeded,
                                     "processes_allowed": processes + HELPER_PROCESSES,
                                     "isolation": iso.as_dict()}).encode() + b"\n")
    except BaseException:  # noqa: BLE001 - never return into the server loop
        code = 72
    finally:
        os._exit(code)


class _Runs:
    """The server's side of each run: its folder, its keeper, its reports to the judge."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        # Until a keeper finds the user namespace unusable (or they are switched off, to test
        # the layers that stand in for them).
        self.namespaces = os.environ.get(NAMESPACES_ENV, "1") != "0"
        self.swept: set[str | None] = set()

    def run(self, req: dict, fds: list[int]) -> None:
        root = req.get("tmp_root")
        if root not in self.swept:
            self.swept.add(root)
            sweep_stale_runs(root)
        workdir = tempfile.mkdtemp(prefix=RUN_PREFIX, dir=root)
        lock = os.open(workdir, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        fcntl.flock(lock, fcntl.LOCK_EX)
        link = short_link(workdir)
        req["short_tmp"] = link
        # Only a child that may start processes needs a PID namespace (and so a keeper, one
        # fork more); one that may not has none to contain, and every call naming another
        # process is filtered.
        start = self._keep if int(req.get("processes") or 0) > 0 else self._direct
        try:
            tried = self.namespaces
            info, keeper = start(req, fds, workdir)
            if info is None and tried and not self.namespaces:  # once more, without them
                info, keeper = start(req, fds, workdir)
        finally:
            for fd in fds:
                os.close(fd)
        if info is None:  # the child never existed; name the (reaped) keeper, never pid 0
            info = {"pid": keeper, "exit_code": 71}
            self.sock.send(json.dumps({"pid": keeper}).encode())
        strays = 0 if (info.get("isolation") or {}).get("pid_ns") else sweep()
        shutil.rmtree(workdir, ignore_errors=True)
        if link is not None:
            with contextlib.suppress(OSError):
                os.unlink(link)
        os.close(lock)
        self.sock.send(json.dumps({**info, "strays_killed": strays}).encode())

    def _direct(self, req: dict, fds: list[int], workdir: str) -> tuple[dict | None, int]:
        """Fork the child itself (no keeper): it enters its own network, mount and IPC
        namespaces and hands back its run folder's tmpfs, whose fill is checked when it ends."""
        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        quota = int(req.get("disk_mb") or sandbox.QUOTA_MB) << 20
        pid = os.fork()
        if pid == 0:
            mine.close()
            _direct_child(req, fds, workdir, theirs, quota, self.namespaces)
        theirs.close()
        # Named at once: the judge writes the job while the child sets itself up.
        self.sock.send(json.dumps({"pid": pid}).encode())
        with mine:
            try:
                msg, got, _flags, _addr = socket.recv_fds(mine, 1 << 16, 1)
            except OSError:
                msg, got = b"", []
        iso = sandbox.Isolation(**json.loads(msg)) if msg else sandbox.Isolation()
        tmpfs = got[0] if got else None
        try:
            waited = _wait(pid, workdir, quota, iso.quota == "watch")
            if tmpfs is not None:
                waited.quota_exceeded = waited.quota_exceeded or sandbox.tmpfs_full(tmpfs)
        finally:
            if tmpfs is not None:
                os.close(tmpfs)
        if not msg and os.waitstatus_to_exitcode(waited.status) == NO_NAMESPACES:
            self.namespaces = False  # its user namespace was unusable: none from now on
        return {**_ended(waited), "pid": pid, "isolation": iso.as_dict()}, pid

    def _keep(self, req: dict, fds: list[int], workdir: str) -> tuple[dict | None, int]:
        """Fork the keeper and relay its reports: (how the child ended, or None when there was
        no child; the keeper's pid)."""
        r, w = os.pipe()
        me = os.getpid()
        kpid = os.fork()
        if kpid == 0:
            os.close(r)
            _keeper(req, fds, workdir, w, me, self.namespaces)
        os.close(w)
        info: dict | None = None
        with os.fdopen(r, "rb") as report:
            first = report.readline()
            if first:
                pid = json.loads(first)["pid"]
                self.sock.send(json.dumps({"pid": pid}).encode())
                rest = report.readline()
                info = json.loads(rest) if rest else {"exit_code": -int(signal.SIGKILL)}
                info["pid"] = pid
        _, status = os.waitpid(kpid, 0)
        if info is None and os.waitstatus_to_exitcode(status) == NO_NAMESPACES:
            self.namespaces = False
        return info, kpid


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


def serve(sock: socket.socket, *, warm: bool = True) -> None:
    """The server loop. Ends when the judge closes its end of the socket. The warm-ups are done
    while no request waits, and not at all for a judge of one verdict (`warm=False`, the
    command line): its child pays only the lazy costs it meets."""
    sandbox.become_subreaper()
    sandbox.die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    idle_work = [warm_up_idle, warm_up] if warm else []  # done from the end
    memory_ready = False  # the tensor meter's first use was paid
    runs = _Runs(sock)
    while True:
        if idle_work and not select.select([sock], [], [], 0.05)[0]:
            work = idle_work.pop()
            work()
            memory_ready = memory_ready or work is warm_up_idle
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
        if req.get("measure_memory") and not memory_ready:
            # Paid here, before the child exists, so it never counts against its wall limit.
            if warm_up_idle in idle_work:
                idle_work.remove(warm_up_idle)
            warm_up_idle()
            memory_ready = True
        runs.run(req, fds)


def main() -> None:
    """Entry point when started as its own process (`python -m game.engine.forkserver FD`)."""
    import torch  # noqa: F401 - the whole point: children inherit an imported torch

    sock = socket.socket(fileno=int(sys.argv[1]))
    serve(sock)


if __name__ == "__main__":
    main()
