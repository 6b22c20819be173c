"""The TUI's judge client: verdicts over the service, cancel, and restart after a crash."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from game.core.result import Status
from game.engine.client import CheckCancelled, JudgeClient

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "content"
GOOD = "def double(x):\n    return 2 * x\n"
SPIN = "def double(x):\n    while True:\n        pass\n"


def test_verify_cancel_and_restart():
    async def scenario() -> None:
        client = JudgeClient(env={"TORCHENSTEIN_CONTENT": str(FIXTURES)})
        try:
            devices = await client.wait_ready()
            assert devices["cpu"] is True
            result = await client.verify("act1.double", GOOD)
            assert result.status is Status.PASS

            running = asyncio.create_task(client.verify("act1.double", SPIN))
            await asyncio.sleep(0.5)
            await client.cancel()
            with pytest.raises(CheckCancelled):
                await asyncio.wait_for(running, 5)
            assert (await client.verify("act1.double", GOOD)).status is Status.PASS

            assert client.proc is not None
            os.killpg(client.proc.pid, 9)  # the judge dies with its whole group
            await client.proc.wait()
            again = await client.verify("act1.double", GOOD)
            assert again.status is Status.PASS and client.restarts == 1
        finally:
            await client.close()
        assert client.proc is not None and client.proc.returncode is not None

    asyncio.run(scenario())


def test_cancel_sent_before_the_check_starts_is_not_lost():
    async def scenario() -> None:
        client = JudgeClient(env={"TORCHENSTEIN_CONTENT": str(FIXTURES)})
        try:
            await client.wait_ready()
            first = asyncio.create_task(client.verify("act1.double", SPIN))
            queued = asyncio.create_task(client.verify("act1.double", SPIN))
            await asyncio.sleep(0)  # both sent; the second waits behind the first
            await asyncio.sleep(0.2)
            await client.cancel()
            for task in (first, queued):
                with pytest.raises(CheckCancelled):
                    await asyncio.wait_for(task, 5)
        finally:
            await client.close()

    asyncio.run(scenario())


def test_a_judge_that_stops_answering_is_killed_and_replaced():
    import signal

    from game.engine.client import JudgeUnavailable

    async def scenario() -> None:
        client = JudgeClient(env={"TORCHENSTEIN_CONTENT": str(FIXTURES)})
        try:
            await client.wait_ready()
            assert client.proc is not None
            stuck = client.proc
            os.kill(stuck.pid, signal.SIGSTOP)  # frozen, not dead: only a deadline can tell
            with pytest.raises(JudgeUnavailable, match="did not answer within 1 s"):
                await client.verify("act1.double", GOOD, timeout=1)
            await asyncio.wait_for(stuck.wait(), 10)
            again = await client.verify("act1.double", GOOD, timeout=60)
            assert again.status is Status.PASS and client.proc is not stuck
        finally:
            await client.close()

    asyncio.run(scenario())
