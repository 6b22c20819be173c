"""Build step: the wheel ships the game's content (story/ and puzzles/, kept at the repository
root for authors) inside the package as game/_content/, so an installed game needs no clone.
Everything else about the package is declared in pyproject.toml."""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
CONTENT = ("story", "puzzles")
SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", "*.pyo", ".*")


class BuildPyWithContent(build_py):
    """`build_py`, then a copy of the content folders into the built package. An editable
    install reads the clone's folders directly and copies nothing."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        for name in CONTENT:
            target = Path(self.build_lib) / "game" / "_content" / name
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(ROOT / name, target, ignore=SKIP)


setup(cmdclass={"build_py": BuildPyWithContent})
