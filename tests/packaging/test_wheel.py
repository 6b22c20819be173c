"""The game installed from its wheel, away from the clone: the wheel carries the content, so
`torchenstein list` shows every chapter and `torchenstein verify` judges a solution from any
folder; saves go to the user data folder unless `--saves-dir`/`$TORCHENSTEIN_SAVES` say
otherwise.

To stay fast and offline, the fresh venv sees this environment's packages (torch above all)
through a path file placed *after* its own site-packages: the wheel's `game` wins, and none of
this environment's path files (such as the clone's editable install) run. The wheel's declared
requirements are then checked against what the venv can import."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("game", "story", "puzzles", "pyproject.toml", "setup.py", "MANIFEST.in", "README.md")
SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", "_content", "*.egg-info")

CHECK_REQUIREMENTS = """
import importlib.metadata as md, json
from packaging.requirements import Requirement
bad = []
for text in md.requires("torchenstein") or []:
    req = Requirement(text)
    if req.marker is not None and not req.marker.evaluate({"extra": ""}):
        continue
    try:
        version = md.version(req.name)
    except md.PackageNotFoundError:
        bad.append(f"{req} (missing)")
        continue
    if not req.specifier.contains(version, prereleases=True):
        bad.append(f"{req} (found {version})")
print(json.dumps(bad))
"""


def builds_wheels_here() -> bool:
    """Whether this environment's setuptools can build the wheel (bdist_wheel built in)."""
    from packaging.version import Version

    try:
        import setuptools
    except ImportError:
        return False
    return Version(setuptools.__version__) >= Version("70.1")


def run(cmd: list[str], **kw) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, stdin=subprocess.DEVNULL,
                          timeout=300, **kw)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path | dict[str, str]]:
    base = tmp_path_factory.mktemp("wheel")
    # Built from a copy, so the clone gets no build/ folder and nothing stale enters the wheel.
    src = base / "src"
    src.mkdir()
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, src / name, ignore=SKIP)
        else:
            shutil.copy2(path, src / name)
    dist = base / "dist"
    # This environment's setuptools builds offline when it is recent enough to make wheels by
    # itself; otherwise pip fetches the build requirements into an isolated environment.
    offline = ["--no-build-isolation", "--no-index"] if builds_wheels_here() else []
    built = run([sys.executable, "-m", "pip", "wheel", "--no-deps", *offline, "-q",
                 "-w", str(dist), str(src)])
    assert built.returncode == 0, built.stderr
    wheel = next(dist.glob("torchenstein-*.whl"))

    venv = base / "venv"
    made = run([sys.executable, "-m", "venv", str(venv)])
    assert made.returncode == 0, made.stderr
    python = venv / "bin" / "python"
    purelib = Path(run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()"
                        "['purelib'])"]).stdout.strip())
    here = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (purelib / "zz_this_environment.pth").write_text("\n".join(sorted(here)) + "\n")
    done = run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index",
                str(wheel)])
    assert done.returncode == 0, done.stderr

    home = base / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TORCHENSTEIN_", "PYTHON", "XDG_"))}
    env.update(HOME=str(home), PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}")
    elsewhere = base / "elsewhere"
    elsewhere.mkdir()
    return {"venv": venv, "python": python, "home": home, "cwd": elsewhere, "env": env}


def test_the_installed_package_is_the_wheel_and_its_requirements_hold(installed):
    probe = run([str(installed["python"]), "-c", "import game, game.ui.app, "
                 "game.ui.widgets.figures, game.serve; print(game.__file__)"],
                cwd=installed["cwd"], env=installed["env"])
    assert probe.returncode == 0, probe.stderr
    assert Path(probe.stdout.strip()).is_relative_to(installed["venv"])
    missing = run([str(installed["python"]), "-c", CHECK_REQUIREMENTS], cwd=installed["cwd"],
                  env=installed["env"])
    assert missing.returncode == 0, missing.stderr
    assert json.loads(missing.stdout) == []


def test_list_shows_every_chapter_and_puzzle_of_the_clone(installed):
    proc = run(["torchenstein", "list", "--json"], cwd=installed["cwd"], env=installed["env"])
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    chapters = {tomllib.loads(p.read_text())["id"] for p in ROOT.glob("story/*/chapter.toml")}
    assert {c["id"] for c in data["chapters"]} == chapters
    puzzles = {tomllib.loads(p.read_text())["id"] for p in ROOT.glob("puzzles/*/*/puzzle.toml")}
    assert {p["id"] for p in data["puzzles"]} == puzzles


def test_verify_judges_a_solution_from_any_folder(installed, tmp_path: Path):
    mine = installed["cwd"] / "my_gelu.py"
    shutil.copy2(ROOT / "puzzles" / "act1" / "gelu" / "solution.py", mine)
    proc = run(["torchenstein", "verify", "act1.gelu", mine.name, "--json"],
               cwd=installed["cwd"], env=installed["env"])
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["status"] == "pass"
    wrong = installed["cwd"] / "wrong.py"
    shutil.copy2(ROOT / "puzzles" / "act1" / "gelu" / "mutants" / "float64_output.py", wrong)
    assert run(["torchenstein", "verify", "act1.gelu", wrong.name], cwd=installed["cwd"],
               env=installed["env"]).returncode == 1


def test_saves_go_to_the_user_data_folder_unless_told_otherwise(installed, tmp_path: Path):
    where = "from game.core.paths import saves_dir; print(saves_dir())"
    python, cwd, env = str(installed["python"]), installed["cwd"], installed["env"]
    default = Path(run([python, "-c", where], cwd=cwd, env=env).stdout.strip())
    assert default.is_relative_to(installed["home"]) and default.name == "saves"
    assert "torchenstein" in default.parts
    chosen = tmp_path / "mine"
    told = run([python, "-c", where], cwd=cwd, env={**env, "TORCHENSTEIN_SAVES": str(chosen)})
    assert Path(told.stdout.strip()) == chosen
    listed = run(["torchenstein", "saves", "--saves-dir", str(chosen)], cwd=cwd, env=env)
    assert listed.returncode == 0, listed.stderr
