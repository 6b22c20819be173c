"""`python -m game doctor`: every layer is probed for real and reported in words and JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from game.engine import doctor

ROOT = Path(__file__).resolve().parents[2]


def test_report_probes_each_layer():
    info = doctor.report()
    for key in ("system", "user", "namespaces", "loopback_namespaces", "seccomp",
                "landlock_abi", "cgroup", "quota", "devices"):
        assert key in info
    ns, loop = info["namespaces"], info["loopback_namespaces"]
    assert ns["quota"] in ("tmpfs", "watch")
    assert not ns["loopback"], "a puzzle without loopback got a network interface"
    if loop["net_ns"]:
        assert loop["loopback"], "a loopback puzzle's namespace has lo down"
    for policy in info["seccomp"].values():
        if policy["installed"]:
            refused = {k: v for k, v in policy.items() if k != "installed"}
            assert refused and all(refused.values()), refused
    words = doctor.words(info)
    assert any(line.startswith("PID namespace per run") for line in words)
    assert not ns["pid_ns"], "puzzles without processes need no PID namespace"
    assert any(line.startswith("Landlock: ABI") for line in words)


def test_cli_prints_words_and_json():
    text = subprocess.run([sys.executable, "-m", "game", "doctor"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert text.returncode == 0, text.stderr
    assert "Run folder quota:" in text.stdout and "Network (default):" in text.stdout
    raw = subprocess.run([sys.executable, "-m", "game", "doctor", "--json"], cwd=ROOT,
                         capture_output=True, text=True, timeout=60)
    assert raw.returncode == 0, raw.stderr
    data = json.loads(raw.stdout)
    assert data["quota"]["mb"] > 0 and isinstance(data["namespaces"]["pid_ns"], bool)
