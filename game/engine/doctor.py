"""`python -m game doctor`: which layers of the sandbox this machine supports, and which a run
uses. Every layer is tried for real, in a throwaway process, the way the fork server uses it."""

from __future__ import annotations

import json
import os
import platform
import resource
import socket
import sys
import tempfile
from typing import Any

from game.engine import sandbox


def _in_child(probe: Any) -> Any:
    """Run `probe()` in a forked process (namespaces and filters stay there); its JSON result,
    or None when the process died."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            os.close(r)
            os.write(w, json.dumps(probe()).encode())
        except BaseException:  # noqa: BLE001 - a probe must never return into the caller
            code = 1
        finally:
            os._exit(code)
    os.close(w)
    with os.fdopen(r, "rb") as fh:
        data = fh.read()
    os.waitpid(pid, 0)
    return json.loads(data) if data else None


def _namespaces(network: str, processes: int) -> dict[str, Any]:
    """What `sandbox.isolate` gets for a puzzle with this network and these processes (a PID
    namespace only with processes, as the fork server does)."""
    workdir = tempfile.mkdtemp(prefix="torchenstein-doctor-")
    try:
        def probe() -> dict[str, Any]:
            iso = sandbox.isolate(workdir, network=network, processes=processes,
                                  pid_namespace=processes > 0)
            if iso.pid_ns and iso.mount_ns:  # /proc is mounted by a process inside
                iso.proc = bool(_in_child(sandbox.mount_proc))
            return iso.as_dict()

        return _in_child(probe) or sandbox.Isolation().as_dict()
    finally:
        os.rmdir(workdir)


def _seccomp() -> dict[str, bool]:
    """Install each policy and check that it refuses what it should."""
    def refused(call: Any) -> bool:
        try:
            call()
        except PermissionError:
            return True
        return False

    def pdeathsig() -> None:
        if sandbox.libc().prctl(sandbox.PR_SET_PDEATHSIG, 0, 0, 0, 0) != 0:
            raise PermissionError

    def probe(processes: int) -> dict[str, bool]:
        sandbox.set_policy(processes=processes, network="none")
        if not sandbox.forbid_new_processes():
            return {"installed": False}
        checks = {"installed": True,
                  "no_exec": refused(lambda: os.execv("/bin/true", ["true"])),
                  "no_inet_socket": refused(lambda: socket.socket(socket.AF_INET).close()),
                  "no_rlimit_on_parent": refused(lambda: resource.prlimit(
                      os.getppid(), resource.RLIMIT_NOFILE)),
                  "no_parent_death_signal_change": refused(pdeathsig)}
        if processes == 0:
            checks["no_fork"] = refused(lambda: os._exit(0) if os.fork() == 0 else None)
            checks["no_signal_to_parent"] = refused(lambda: os.kill(os.getppid(), 0))
        return checks

    return {"without_processes": _in_child(lambda: probe(0)) or {"installed": False},
            "with_processes": _in_child(lambda: probe(2)) or {"installed": False}}


def _cgroup() -> str:
    if os.path.exists("/sys/fs/cgroup/cgroup.controllers"):
        return "v2"
    return "v1" if os.path.isdir("/sys/fs/cgroup") and os.listdir("/sys/fs/cgroup") else "none"


def report() -> dict[str, Any]:
    """Every layer, probed."""
    linux = sys.platform.startswith("linux")
    info: dict[str, Any] = {
        "system": f"{platform.system()} {platform.release()} ({platform.machine()})",
        "user": "root" if os.geteuid() == 0 else f"uid {os.geteuid()}",
    }
    if not linux:
        info.update(namespaces={}, loopback_namespaces={}, seccomp={}, landlock_abi=0,
                    cgroup="none", devices=[])
        return info
    info["namespaces"] = _namespaces("none", 0)
    info["loopback_namespaces"] = _namespaces("loopback", 2)
    info["seccomp"] = _seccomp()
    info["landlock_abi"] = sandbox.landlock_abi()
    info["cgroup"] = _cgroup()
    info["quota"] = {"mb": sandbox.QUOTA_MB, "files": sandbox.QUOTA_INODES,
                     "mode": info["namespaces"].get("quota", "none")}
    info["devices"] = sandbox.device_files()
    return info


def _yes(flag: Any) -> str:
    return "yes" if flag else "NO"


def words(info: dict[str, Any]) -> list[str]:
    """The report in plain words, one line per layer."""
    lines = [f"System: {info['system']}, running as {info['user']}."]
    ns = info.get("namespaces") or {}
    if not ns:
        return lines + ["Not Linux: no sandbox layer is available; runs are only time-limited."]
    loop = info.get("loopback_namespaces") or {}
    user = "used (not root)" if ns.get("user_ns") else (
        "not needed (root)" if info["user"] == "root" else "NOT available")
    lines.append(f"User namespace: {user}.")
    lines.append(f"PID namespace per run of a puzzle with processes: {_yes(loop.get('pid_ns'))}"
                 + (" - its processes can name none outside the run, and all end with it."
                    if loop.get("pid_ns") else " - the fork server sweeps orphans instead; "
                    "seccomp and Landlock keep signals inside the run."))
    lines.append("Puzzles without processes: may start none (seccomp), and every call that "
                 "names another process is refused unless it names the child itself.")
    lines.append(f"Private /proc (puzzles with processes): {_yes(loop.get('proc'))}.")
    lines.append(f"Mount namespace: {_yes(ns.get('mount_ns'))}; IPC namespace: "
                 f"{_yes(ns.get('ipc_ns'))}.")
    quota = info["quota"]
    how = ("a capped tmpfs" if quota["mode"] == "tmpfs"
           else "its size polled every 20 ms (no private tmpfs)")
    lines.append(f"Run folder quota: {quota['mb']} MiB and {quota['files']} files in all, by "
                 f"{how}; /dev/shm for puzzles with processes: {loop.get('shm', 'none')}.")
    if ns.get("net_ns"):
        net = "own network namespace, no interface up"
    else:
        net = "NO network namespace: seccomp refuses every socket but AF_UNIX"
    lines.append(f"Network (default): {net}.")
    lines.append("Network (puzzles declaring loopback): "
                 + ("only lo, up" if loop.get("loopback") else
                    "NOT isolated from the machine's network (no network namespace)") + ".")
    sec = info.get("seccomp") or {}
    for name, label in (("without_processes", "puzzles without processes"),
                        ("with_processes", "puzzles with processes")):
        got = sec.get(name) or {}
        checks = [k for k, v in got.items() if k != "installed" and not v]
        lines.append(f"Seccomp filter, {label}: "
                     + ("active" + (f", but these were not refused: {', '.join(checks)}"
                                    if checks else "") if got.get("installed") else "NOT active")
                     + ".")
    abi = info.get("landlock_abi", 0)
    parts = ["writes only in the run folder"] if abi >= 1 else []
    if abi >= 4:
        parts.append("no TCP")
    if abi >= 6:
        parts.append("signals and abstract sockets scoped to the run")
    lines.append(f"Landlock: ABI {abi}" + (f" ({', '.join(parts)})." if parts else
                                          " - NOT available."))
    lines.append(f"cgroup: {info['cgroup']} (not used: the PID namespace ends every process).")
    lines.append("Declared processes: counted from outside every 10 ms; a run holding more than "
                 "its puzzle declares (plus multiprocessing's two helpers) is stopped.")
    devices = info.get("devices") or []
    lines.append("Devices a child may write: " + (", ".join(devices) if devices else "none")
                 + ".")
    return lines


def main(*, as_json: bool = False) -> int:
    info = report()
    if as_json:
        print(json.dumps(info, indent=2))
    else:
        print("\n".join(words(info)))
    return 0
