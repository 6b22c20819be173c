"""One judge over the real content, shared by the content tests that do not bring their own."""

from __future__ import annotations

import pytest

from game.engine.judge import Judge


@pytest.fixture(scope="package")  # its fork server is gone before other folders run
def judge():
    with Judge() as j:
        yield j
