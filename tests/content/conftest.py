"""One judge over the real content, shared by the content tests that do not bring their own."""

from __future__ import annotations

import pytest

from game.engine.judge import Judge


@pytest.fixture(scope="session")
def judge():
    with Judge() as j:
        yield j
