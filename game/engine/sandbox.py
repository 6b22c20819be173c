"""OS-level confinement of the untrusted child: namespaces, descriptors, rlimits, seccomp, Landlock.

Linux only. Layers, outermost first (each is best effort where the kernel refuses it, and
`python -m game doctor` says which ones this machine has):

- namespaces (`isolate`): for puzzles that declare processes, a PID namespace (the keeper's),
  so the run's processes can name none but their own and the kernel kills every one of them
  when the run ends; a network namespace (only `lo`, and that one up only for puzzles that
  declare loopback); a mount namespace where the run folder (and, for puzzles with processes,
  /dev/shm) is a size-capped tmpfs; an IPC namespace; and, for a player who is not root, the
  user namespace that makes the others possible.
- seccomp (`forbid_new_processes`): argument filters on every call that names another process
  (signals, rlimits, priorities, ptrace and friends), no exec, no change of the parent-death
  signal, no mounts or namespaces, no sockets beyond what the puzzle declares.
- Landlock (`confine_writes`): writes only beneath the run folder; signals and abstract sockets
  scoped to the run.
- rlimits and a dropped capability set.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import fcntl
import os
import platform
import resource
import socket
import struct
from dataclasses import asdict, dataclass

PR_SET_PDEATHSIG = 1
PR_SET_SECCOMP = 22
PR_SET_CHILD_SUBREAPER = 36
PR_SET_NO_NEW_PRIVS = 38
SECCOMP_MODE_FILTER = 2
CLONE_THREAD = 0x00010000
CLONE_NEWTIME = 0x00000080
CLONE_NEWNS = 0x00020000
CLONE_NEWCGROUP = 0x02000000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
_CLONE_NAMESPACES = (CLONE_NEWTIME | CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC
                     | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET)
MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REC, MS_PRIVATE = 2, 4, 8, 0x4000, 1 << 18

# The run folder's total size (every file together) and how many files it may hold.
QUOTA_MB = 64
QUOTA_INODES = 4096
# Free space left when the child stopped below which the run counts as having hit the quota.
_QUOTA_SLACK = 256 << 10

_SECCOMP_RET_ALLOW = 0x7FFF0000
_SECCOMP_RET_ERRNO = 0x00050000

_X86_64 = {
    "fork": 57, "vfork": 58, "clone": 56, "clone3": 435, "execve": 59, "execveat": 322,
    "kill": 62, "tkill": 200, "tgkill": 234, "rt_sigqueueinfo": 129, "rt_tgsigqueueinfo": 297,
    "pidfd_send_signal": 424, "pidfd_open": 434, "pidfd_getfd": 438, "process_mrelease": 448,
    "process_madvise": 440, "ptrace": 101, "process_vm_readv": 310, "process_vm_writev": 311,
    "kcmp": 312, "prlimit64": 302, "setpriority": 141, "sched_setaffinity": 203,
    "sched_setscheduler": 144, "sched_setparam": 142, "sched_setattr": 314, "ioprio_set": 251,
    "move_pages": 279, "migrate_pages": 256, "prctl": 157, "socket": 41, "ioctl": 16,
    "unshare": 272, "setns": 308, "mount": 165, "umount2": 166, "pivot_root": 155, "chroot": 161,
    "move_mount": 429, "open_tree": 428, "fsopen": 430, "fsconfig": 431, "fsmount": 432,
    "fspick": 433, "mount_setattr": 442, "bpf": 321, "keyctl": 250, "add_key": 248,
    "request_key": 249, "userfaultfd": 323, "perf_event_open": 298,
}
# The generic table (no fork or vfork: glibc uses clone).
_GENERIC = {
    "clone": 220, "clone3": 435, "execve": 221, "execveat": 281, "kill": 129, "tkill": 130,
    "tgkill": 131, "rt_sigqueueinfo": 138, "rt_tgsigqueueinfo": 240, "pidfd_send_signal": 424,
    "pidfd_open": 434, "pidfd_getfd": 438, "process_mrelease": 448, "process_madvise": 440,
    "ptrace": 117, "process_vm_readv": 270, "process_vm_writev": 271, "kcmp": 272,
    "prlimit64": 261, "setpriority": 140, "sched_setaffinity": 122, "sched_setscheduler": 119,
    "sched_setparam": 118, "sched_setattr": 274, "ioprio_set": 30, "move_pages": 239,
    "migrate_pages": 238, "prctl": 167, "socket": 198, "ioctl": 29, "unshare": 97, "setns": 268,
    "mount": 40, "umount2": 39, "pivot_root": 41, "chroot": 51, "move_mount": 429,
    "open_tree": 428, "fsopen": 430, "fsconfig": 431, "fsmount": 432, "fspick": 433,
    "mount_setattr": 442, "bpf": 280, "keyctl": 219, "add_key": 217, "request_key": 218,
    "userfaultfd": 282, "perf_event_open": 241,
}
_ARCHES = {"x86_64": (0xC000003E, _X86_64), "aarch64": (0xC00000B7, _GENERIC)}

# Refused outright: exec, reaching into another process, and changing what the sandbox is made
# of (mounts, namespaces, keyrings, BPF programs, performance counters on other processes).
_ALWAYS_DENIED = (
    "execve", "execveat", "tkill", "pidfd_send_signal", "pidfd_open", "pidfd_getfd",
    "process_mrelease", "process_madvise", "ptrace", "process_vm_readv", "process_vm_writev",
    "kcmp", "unshare", "setns", "mount", "umount2", "pivot_root", "chroot", "move_mount",
    "open_tree", "fsopen", "fsconfig", "fsmount", "fspick", "mount_setattr", "bpf", "keyctl",
    "add_key", "request_key", "userfaultfd", "perf_event_open",
)
# Calls whose first argument names the process a signal goes to.
_SIGNAL_TO_PID = ("kill", "tgkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo")
# Calls whose first argument names the process they change: only 0 (itself) or its own pid.
_SELF_ONLY = ("prlimit64", "sched_setaffinity", "sched_setscheduler", "sched_setparam",
              "sched_setattr", "move_pages", "migrate_pages")
AF_UNIX, AF_INET, AF_INET6, AF_NETLINK = 1, 2, 10, 16
TIOCSTI, TIOCLINUX = 0x5412, 0x541C


@dataclass
class Policy:
    """What the puzzle declared: how many processes the child may start, and its network."""

    processes: int = 0
    network: str = "none"


_policy = Policy()


def set_policy(*, processes: int, network: str) -> None:
    """Set, in the child before the runner starts, the policy `forbid_new_processes` installs."""
    global _policy
    _policy = Policy(max(0, int(processes)), "loopback" if network == "loopback" else "none")


def policy() -> Policy:
    return _policy


_libc = None


def libc() -> ctypes.CDLL:
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    return _libc


def _prctl(option: int, arg2: int | ctypes.c_void_p = 0) -> bool:
    prctl = getattr(libc(), "prctl", None)  # Linux only; elsewhere each step reports False
    return prctl is not None and prctl(option, arg2, 0, 0, 0) == 0


def become_subreaper() -> bool:
    """Orphans of our children are re-parented to us, so no grandchild can slip away."""
    return _prctl(PR_SET_CHILD_SUBREAPER, 1)


def not_dumpable() -> bool:
    """Same-uid processes without capabilities can then neither ptrace this process nor read
    its memory through /proc (the judge holds the expected values)."""
    return _prctl(4, 0)  # PR_SET_DUMPABLE


def die_with_parent() -> bool:
    import signal

    return _prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL))


# -- namespaces ----------------------------------------------------------------------------------
@dataclass
class Isolation:
    """The layers a run actually got (reported with its exit, and by `game doctor`)."""

    user_ns: bool = False   # a user namespace (only needed, and only tried, when not root)
    pid_ns: bool = False    # the child is init of its own PID namespace
    net_ns: bool = False    # its own network namespace: no interface but `lo`
    mount_ns: bool = False
    ipc_ns: bool = False
    loopback: bool = False  # `lo` is up (puzzles that declare network = "loopback")
    quota: str = "none"     # "tmpfs": a size-capped run folder; "watch": its size is polled
    shm: str = "none"       # "private": a capped tmpfs on /dev/shm; "shared": the machine's
    proc: bool = False      # /proc shows only the run's processes

    def as_dict(self) -> dict[str, bool | str]:
        return asdict(self)


def _unshare(flags: int) -> bool:
    unshare = getattr(libc(), "unshare", None)
    return unshare is not None and unshare(flags) == 0


def _mount(source: str | None, target: str, fstype: str | None, flags: int,
           data: str | None = None) -> bool:
    args = [None if s is None else s.encode() for s in (source, target, fstype)]
    return libc().mount(*args, flags, None if data is None else data.encode()) == 0


def _map_user(uid: int, gid: int) -> bool:
    """In a fresh user namespace: the same uid and gid inside as outside (files the child
    writes stay the player's). The judge's processes are not dumpable, which makes their /proc
    files root's: dumpable for the few writes, as it was after them."""
    dumpable = libc().prctl(3, 0, 0, 0, 0)  # PR_GET_DUMPABLE
    _prctl(4, 1)
    try:
        with open("/proc/self/setgroups", "w") as fh:
            fh.write("deny")
        with open("/proc/self/uid_map", "w") as fh:
            fh.write(f"{uid} {uid} 1")
        with open("/proc/self/gid_map", "w") as fh:
            fh.write(f"{gid} {gid} 1")
    except OSError:
        return False
    finally:
        _prctl(4, max(0, dumpable))
    return True


def loopback_up() -> bool:
    """Bring `lo` up in this (fresh) network namespace."""
    iff_up = 0x1
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            fcntl.ioctl(s, 0x8914, struct.pack("16sH14x", b"lo", iff_up))  # SIOCSIFFLAGS
    except OSError:
        return False
    return True


def _tmpfs(target: str, size_bytes: int, mode: str) -> bool:
    return _mount("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV,
                  f"size={size_bytes},nr_inodes={QUOTA_INODES},mode={mode}")


class UserNamespaceUnmapped(OSError):
    """A user namespace was entered but its uid map could not be written: files could not be
    created. The caller must not run the child in this process."""


def isolate(workdir: str, *, network: str = "none", processes: int = 0,
            quota_bytes: int = QUOTA_MB << 20, namespaces: bool = True,
            pid_namespace: bool = True) -> Isolation:
    """Enter new namespaces and set up the mounts: in the keeper before it forks the child
    (whose processes then live in a new PID namespace), or, with `pid_namespace=False`, in a
    child that may start no process at all. Whatever the kernel refuses is left out (see the
    returned Isolation); the quota then falls back to polling."""
    iso = Isolation()
    if namespaces:
        uid, gid = os.geteuid(), os.getegid()
        if uid != 0:
            if not _unshare(CLONE_NEWUSER):
                namespaces = False
            elif not _map_user(uid, gid):
                raise UserNamespaceUnmapped(errno.EPERM, "cannot write the uid map")
            else:
                iso.user_ns = True
    if namespaces:
        kinds = (("pid_ns", CLONE_NEWPID), ("net_ns", CLONE_NEWNET), ("mount_ns", CLONE_NEWNS),
                 ("ipc_ns", CLONE_NEWIPC))[0 if pid_namespace else 1:]
        if _unshare(sum(flag for _, flag in kinds)):
            for name, _ in kinds:
                setattr(iso, name, True)
        else:  # one at a time: keep what the kernel allows
            for name, flag in kinds:
                setattr(iso, name, _unshare(flag))
    if iso.mount_ns and _mount(None, "/", None, MS_REC | MS_PRIVATE):
        if _tmpfs(workdir, quota_bytes, "700"):
            iso.quota = "tmpfs"
        if processes > 0 and os.path.isdir("/dev/shm") and _tmpfs("/dev/shm", quota_bytes,
                                                                  "1777"):
            iso.shm = "private"
    if iso.quota != "tmpfs":
        iso.quota = "watch"
    if processes > 0 and iso.shm != "private" and os.path.isdir("/dev/shm"):
        iso.shm = "shared"
    if iso.net_ns and network == "loopback" and processes > 0:
        iso.loopback = loopback_up()
    return iso


def mount_proc() -> bool:
    """In the child, init of a new PID namespace with its own mount namespace: a /proc that
    shows only the run's processes."""
    return _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)


def folder_bytes(path: str, limit: int) -> int:
    """Disk use of everything beneath `path`; stops counting once past `limit`."""
    total, stack = 0, [path]
    while stack and total <= limit:
        try:
            with os.scandir(stack.pop()) as entries:
                for entry in entries:
                    st = entry.stat(follow_symlinks=False)
                    total += max(st.st_blocks * 512, 4096)
                    if entry.is_dir(follow_symlinks=False):
                        stack.append(entry.path)
        except OSError:
            continue
    return total


def tmpfs_full(path: str | int) -> bool:
    """After the child ended: did it fill the capped tmpfs at `path` (or open as that
    descriptor): its space or its files?"""
    try:
        st = os.statvfs(path)
    except OSError:
        return False
    return st.f_bavail * st.f_frsize < _QUOTA_SLACK or st.f_favail == 0


# -- seccomp -------------------------------------------------------------------------------------
class _Bpf:
    """A classic-BPF program with named jump targets."""

    LD, JEQ, JGE, JSET, RET, JA = 0x20, 0x15, 0x35, 0x45, 0x06, 0x05

    def __init__(self) -> None:
        self.ins: list[tuple[int, str | int, str | int, int | str]] = []
        self.labels: dict[str, int] = {}

    def label(self, name: str) -> None:
        self.labels[name] = len(self.ins)

    def ld(self, offset: int) -> None:
        self.ins.append((self.LD, 0, 0, offset))

    def jump(self, code: int, k: int, jt: str | int = 0, jf: str | int = 0) -> None:
        self.ins.append((code, jt, jf, k))

    def goto(self, target: str) -> None:
        self.ins.append((self.JA, 0, 0, target))

    def ret(self, value: int) -> None:
        self.ins.append((self.RET, 0, 0, value))

    def _rel(self, target: str | int, at: int) -> int:
        return self.labels[target] - at - 1 if isinstance(target, str) else int(target)

    def assemble(self) -> bytes:
        out = b""
        for i, (code, jt, jf, k) in enumerate(self.ins):
            if code == self.JA:
                out += struct.pack("HBBI", code, 0, 0, self._rel(k, i))
                continue
            jt_i, jf_i = self._rel(jt, i), self._rel(jf, i)
            if not (0 <= jt_i < 256 and 0 <= jf_i < 256):
                raise ValueError("seccomp program: jump too far")
            out += struct.pack("HBBI", code, jt_i, jf_i, int(k))
        return out


def _arg(n: int) -> int:
    """Offset of the low 32 bits of syscall argument n in struct seccomp_data."""
    return 16 + 8 * n


def _seccomp_program(pid: int, pol: Policy | None = None) -> bytes | None:
    """The filter for this child (`pid` as the child sees itself; 1 in its own namespace).

    Both policies: exec, ptrace, process_vm_*, pidfd_*, mounts and namespaces are refused;
    rlimits, scheduling and memory placement only for itself (pid 0 or its own); priorities
    only of itself; no parent-death signal change; no TIOCSTI; sockets: AF_UNIX only, plus
    AF_INET/AF_INET6/AF_NETLINK for loopback puzzles (their network namespace has only lo).
    Without declared processes: no new processes (threads still work; clone3 answers ENOSYS so
    glibc falls back to clone, whose flags we can read) and signals only to its own pid. With
    declared processes: fork without new namespaces, and signals to any process it can name
    (its PID namespace holds only its own) but never to -1 or to another process group."""
    arch = _ARCHES.get(platform.machine())
    if arch is None:
        return None
    pol = pol or _policy
    token, nr = arch
    own, neg_own = pid & 0xFFFFFFFF, (-pid) & 0xFFFFFFFF
    p = _Bpf()
    p.ld(4)                                    # A = arch
    p.jump(p.JEQ, token, 0, "deny")
    p.ld(0)                                    # A = syscall number
    p.jump(p.JGE, 0x40000000, "deny", 0)       # x32 ABI aliases
    denied = list(_ALWAYS_DENIED) + (["fork", "vfork"] if pol.processes == 0 else [])
    for name in denied:
        if name in nr:
            p.jump(p.JEQ, nr[name], "deny", 0)
    dispatch = [("clone3", "enosys"), ("clone", "clone"), ("prctl", "prctl"),
                ("socket", "socket"), ("ioctl", "ioctl"), ("setpriority", "setpriority"),
                ("ioprio_set", "ioprio")]
    dispatch += [(name, "signal") for name in _SIGNAL_TO_PID]
    dispatch += [(name, "self") for name in _SELF_ONLY]
    for name, target in dispatch:
        p.jump(p.JEQ, nr[name], target, 0)
    p.goto("allow")

    p.label("clone")
    p.ld(_arg(0))                              # low 32 bits of clone's flags
    if pol.processes == 0:
        p.jump(p.JSET, CLONE_THREAD, "allow", "deny")
    else:
        p.jump(p.JSET, _CLONE_NAMESPACES, "deny", "allow")

    p.label("prctl")
    p.ld(_arg(0))
    p.jump(p.JEQ, PR_SET_PDEATHSIG, "deny", "allow")

    p.label("socket")
    p.ld(_arg(0))
    families = [AF_UNIX] + ([AF_INET, AF_INET6, AF_NETLINK] if pol.network == "loopback"
                            else [])
    for family in families:
        p.jump(p.JEQ, family, "allow", 0)
    p.goto("deny")

    p.label("ioctl")
    p.ld(_arg(1))
    p.jump(p.JEQ, TIOCSTI, "deny", 0)
    p.jump(p.JEQ, TIOCLINUX, "deny", "allow")

    p.label("setpriority")                     # (which, who): PRIO_PROCESS of itself only
    p.ld(_arg(0))
    p.jump(p.JEQ, 0, 0, "deny")
    p.ld(_arg(1))
    p.goto("self_check")

    p.label("ioprio")                          # (which, who): IOPRIO_WHO_PROCESS of itself
    p.ld(_arg(0))
    p.jump(p.JEQ, 1, 0, "deny")
    p.ld(_arg(1))
    p.goto("self_check")

    p.label("signal")
    p.ld(_arg(0))
    if pol.processes == 0:                     # itself only (0 would reach its init)
        p.jump(p.JEQ, own, "allow", 0)
        p.jump(p.JEQ, neg_own, "allow", "deny")
    else:
        p.jump(p.JEQ, 0xFFFFFFFF, "deny", 0)   # -1: every process it may signal
        p.jump(p.JSET, 0x80000000, 0, "allow")  # a positive pid, or 0
        p.jump(p.JEQ, neg_own, "allow", "deny")  # a process group: only its own

    p.label("self")
    p.ld(_arg(0))
    p.label("self_check")
    p.jump(p.JEQ, 0, "allow", 0)
    p.jump(p.JEQ, own, "allow", "deny")

    p.label("allow")
    p.ret(_SECCOMP_RET_ALLOW)
    p.label("deny")
    p.ret(_SECCOMP_RET_ERRNO | errno.EPERM)
    p.label("enosys")
    p.ret(_SECCOMP_RET_ERRNO | errno.ENOSYS)
    return p.assemble()


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def forbid_new_processes() -> bool:
    """Install the seccomp filter of the policy set by `set_policy` (by default: no new
    processes, no network). True when the kernel accepted it."""
    program = _seccomp_program(os.getpid())
    if program is None or not _prctl(PR_SET_NO_NEW_PRIVS, 1):
        return False
    buf = ctypes.create_string_buffer(program)
    fprog = _SockFprog(len(program) // 8, ctypes.cast(buf, ctypes.c_void_p))
    return libc().prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) == 0


def private_kib(pid: int | str = "self") -> int | None:
    """A process's private resident memory (anonymous pages and shared-memory pages: what its
    own allocations hold, not the library pages it maps), from /proc; None once it has gone."""
    try:
        with open(f"/proc/{pid}/status", "rb") as fh:
            text = fh.read()
    except OSError:
        return None
    total, found = 0, 0
    for line in text.splitlines():
        if line.startswith((b"RssAnon:", b"RssShmem:")):
            total += int(line.split()[1])
            found += 1
    return total if found == 2 else None


M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3


def return_freed_memory() -> bool:
    """Make glibc's malloc hand freed blocks of 64 KiB and more back to the kernel at once (a
    fixed mmap threshold, which also stops it from growing), so that the resident memory seen
    from outside follows what is live rather than what the allocator keeps for later."""
    try:
        mallopt = libc().mallopt
    except AttributeError:  # not glibc
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, 1 << 16)) and bool(mallopt(M_TRIM_THRESHOLD, 1 << 20))


def vm_size_bytes() -> int:
    """Current virtual memory size of this process."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def apply_limits(*, cpu_s: float, memory_mb: int | None, file_mb: int = 16) -> None:
    """rlimits for the child. RLIMIT_AS is set here, after torch was imported (before, the import
    itself would fail), as current usage plus the puzzle's allowance."""
    cpu = max(1, int(cpu_s))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (file_mb << 20, file_mb << 20))
    if memory_mb is not None:
        limit = vm_size_bytes() + (memory_mb << 20)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    if _policy.processes == 0:  # a puzzle that declares processes needs fork
        try:
            resource.setrlimit(resource.RLIMIT_NPROC, (0, 0))
        except (ValueError, OSError):
            pass


def close_fds_except(keep: set[int]) -> None:
    """Close every descriptor but `keep` (the child must hold nothing of the judge's)."""
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        if fd not in keep:
            try:
                os.close(fd)
            except OSError:
                pass


_SYS_LANDLOCK = {"x86_64": (444, 445, 446), "aarch64": (444, 445, 446)}
_LL_WRITE = (1 << 1) | (1 << 4) | (1 << 5) | sum(1 << b for b in range(6, 13))


_LL_WRITE_FILE, _LL_TRUNCATE = 1 << 1, 1 << 14
_LL_SCOPE_ABSTRACT_UNIX, _LL_SCOPE_SIGNAL = 1, 2
# Device files a child may write to (it may create nothing in /dev): the usual character
# devices, and the GPU drivers' nodes that CUDA and ROCm open read-write.
DEVICE_FILES = ("/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty")
DEVICE_GLOBS = ("/dev/nvidia*", "/dev/dri", "/dev/kfd")


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64), ("handled_access_net", ctypes.c_uint64),
                ("scoped", ctypes.c_uint64)]


class _PathBeneath(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def device_files() -> list[str]:
    """The device files of DEVICE_FILES and DEVICE_GLOBS that exist on this machine."""
    import glob

    found = [path for path in DEVICE_FILES if os.path.exists(path)]
    for pattern in DEVICE_GLOBS:
        found += sorted(glob.glob(pattern))
    return found


def landlock_abi() -> int:
    """The Landlock ABI version this kernel offers (0: none)."""
    numbers = _SYS_LANDLOCK.get(platform.machine())
    if numbers is None:
        return 0
    return max(0, ctypes.CDLL(None, use_errno=True).syscall(numbers[0], None, 0, 1))


def confine_writes(writable: list[str], devices: list[str] | None = None, *,
                   tcp: bool = False) -> bool:
    """Landlock: from now on this process may create, change or delete files only beneath
    `writable`, and write (never create) only the files in `devices`; reading stays allowed.
    Where the kernel supports it: no TCP bind or connect (unless `tcp`: loopback puzzles, whose
    network namespace has nothing but lo), and no signal to a process outside this one's
    Landlock domain. True when the kernel enforced it."""
    numbers = _SYS_LANDLOCK.get(platform.machine())
    if numbers is None:
        return False
    create, add_rule, restrict = numbers
    libc = ctypes.CDLL(None, use_errno=True)
    abi = libc.syscall(create, None, 0, 1)
    if abi < 1:
        return False
    handled = _LL_WRITE | ((1 << 13) if abi >= 2 else 0) | (_LL_TRUNCATE if abi >= 3 else 0)
    scoped = _LL_SCOPE_ABSTRACT_UNIX | _LL_SCOPE_SIGNAL if abi >= 6 else 0
    attr = _RulesetAttr(handled, 0b11 if abi >= 4 and not tcp else 0, scoped)
    size = 24 if abi >= 6 else (16 if abi >= 4 else 8)
    ruleset = libc.syscall(create, ctypes.byref(attr), size, 0)
    if ruleset < 0:
        return False
    try:
        file_access = handled & (_LL_WRITE_FILE | _LL_TRUNCATE)
        rules = [(path, handled) for path in writable]
        rules += [(path, file_access) for path in (devices or [])]
        for path, access in rules:
            try:
                fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            except OSError:
                continue  # a device that vanished since it was listed
            try:
                rule = _PathBeneath(access, fd)
                if libc.syscall(add_rule, ruleset, 1, ctypes.byref(rule), 0) != 0:
                    return False
            finally:
                os.close(fd)
        _prctl(PR_SET_NO_NEW_PRIVS, 1)
        return libc.syscall(restrict, ruleset, 0) == 0
    finally:
        os.close(ruleset)


def drop_capabilities() -> bool:
    """Give up every capability (a child running as root could otherwise read the judge's
    memory through /proc or bypass file permissions)."""
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in range(64):
        libc.prctl(24, cap, 0, 0, 0)  # PR_CAPBSET_DROP; fails harmlessly past the last cap
    header = (ctypes.c_uint32 * 2)(0x20080522, 0)
    data = (ctypes.c_uint32 * 6)()
    return libc.capset(ctypes.byref(header), ctypes.byref(data)) == 0
