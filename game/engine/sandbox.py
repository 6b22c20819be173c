"""OS-level confinement of the untrusted child: session, descriptors, rlimits, seccomp.

Linux only. Each step is best effort where the kernel may refuse it (seccomp inside some
containers); the judge's watchdog and the fork server's sweep still hold without them.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import platform
import resource
import struct

PR_SET_PDEATHSIG = 1
PR_SET_SECCOMP = 22
PR_SET_CHILD_SUBREAPER = 36
PR_SET_NO_NEW_PRIVS = 38
SECCOMP_MODE_FILTER = 2
CLONE_THREAD = 0x00010000

_SECCOMP_RET_ALLOW = 0x7FFF0000
_SECCOMP_RET_ERRNO = 0x00050000

# arch token, and syscall numbers: new processes, exec, and signals to other processes.
_ARCHES = {
    "x86_64": (0xC000003E, {"fork": 57, "vfork": 58, "clone": 56, "clone3": 435,
                            "execve": 59, "execveat": 322, "kill": 62, "tkill": 200,
                            "tgkill": 234, "rt_sigqueueinfo": 129, "rt_tgsigqueueinfo": 297,
                            "pidfd_send_signal": 424, "pidfd_open": 434}),
    "aarch64": (0xC00000B7, {"clone": 220, "clone3": 435, "execve": 221, "execveat": 281,
                             "kill": 129, "tkill": 130, "tgkill": 131, "rt_sigqueueinfo": 138,
                             "rt_tgsigqueueinfo": 240, "pidfd_send_signal": 424,
                             "pidfd_open": 434}),
}
# Syscalls whose first argument names the process a signal goes to.
_SIGNAL_TO_PID = ("kill", "tgkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo")

_libc = None


def _prctl(option: int, arg2: int | ctypes.c_void_p = 0) -> bool:
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    prctl = getattr(_libc, "prctl", None)  # Linux only; elsewhere each step reports False
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


def _seccomp_program(pid: int) -> bytes | None:
    """A classic-BPF filter: no new processes and no exec; threads (clone with CLONE_THREAD)
    still work. clone3 answers ENOSYS so glibc falls back to clone, whose flags we can read.
    Signals may go only to this process (`pid`, its group, or 0): never to the fork server or
    the judge, which run as the same user."""
    arch = _ARCHES.get(platform.machine())
    if arch is None:
        return None
    token, nr = arch
    own = {pid & 0xFFFFFFFF, (-pid) & 0xFFFFFFFF, 0}
    ld, jeq, jge, jset, ret, ja = 0x20, 0x15, 0x35, 0x45, 0x06, 0x05
    prog: list[tuple[int, str | int, str | int, int]] = [
        (ld, 0, 0, 4),                       # A = arch
        (jeq, 0, "deny", token),
        (ld, 0, 0, 0),                       # A = syscall number
        (jge, "deny", 0, 0x40000000),        # x32 ABI aliases
    ]
    for name in ("fork", "vfork", "execve", "execveat", "tkill", "pidfd_send_signal",
                 "pidfd_open"):
        if name in nr:
            prog.append((jeq, "deny", 0, nr[name]))
    for name in _SIGNAL_TO_PID:
        prog.append((jeq, 0, 1, nr[name]))
        prog.append((ja, 0, 0, "signal"))
    prog += [
        (jeq, "enosys", 0, nr["clone3"]),
        (jeq, 0, "allow", nr["clone"]),
        (ld, 0, 0, 16),                      # low 32 bits of clone's flags
        (jset, "allow", "deny", CLONE_THREAD),
    ]
    labels = {"signal": len(prog)}
    prog.append((ld, 0, 0, 16))              # A = low 32 bits of the target pid
    for value in sorted(own):
        prog.append((jeq, "allow", 0, value))
    prog.append((ja, 0, 0, "deny"))
    labels.update({"allow": len(prog), "deny": len(prog) + 1, "enosys": len(prog) + 2})
    prog += [
        (ret, 0, 0, _SECCOMP_RET_ALLOW),
        (ret, 0, 0, _SECCOMP_RET_ERRNO | errno.EPERM),
        (ret, 0, 0, _SECCOMP_RET_ERRNO | errno.ENOSYS),
    ]
    out = b""
    for i, (code, jt, jf, k) in enumerate(prog):
        if code == ja:  # an unconditional jump: its offset is k
            k = labels[k] - i - 1 if isinstance(k, str) else k
            out += struct.pack("HBBI", code, 0, 0, k)
            continue
        jt_i = labels[jt] - i - 1 if isinstance(jt, str) else jt
        jf_i = labels[jf] - i - 1 if isinstance(jf, str) else jf
        out += struct.pack("HBBI", code, jt_i, jf_i, k)
    return out


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def forbid_new_processes() -> bool:
    """Install the seccomp filter. True when the kernel accepted it."""
    program = _seccomp_program(os.getpid())
    if program is None or not _prctl(PR_SET_NO_NEW_PRIVS, 1):
        return False
    buf = ctypes.create_string_buffer(program)
    fprog = _SockFprog(len(program) // 8, ctypes.cast(buf, ctypes.c_void_p))
    return _libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) == 0


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


def confine_writes(writable: list[str], devices: list[str] | None = None) -> bool:
    """Landlock: from now on this process may create, change or delete files only beneath
    `writable`, and write (never create) only the files in `devices`; reading stays allowed.
    Where the kernel supports it: no TCP connection, and no signal to a process outside this
    one's Landlock domain. True when the kernel enforced it."""
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
    attr = _RulesetAttr(handled, 0b11 if abi >= 4 else 0, scoped)
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
