"""The judge as a service for the TUI: JSON lines on stdin/stdout (`python -m game.engine.service`).

Requests:  {"id": 1, "op": "verify", "puzzle": "act1.gelu", "source": "...", "quick": false,
            "device": "auto", "seed": null}
           {"op": "cancel", "id": 1}  cancel request 1, queued or running: it answers
                                      "cancelled" (without an id: whatever is running)
           {"id": 2, "op": "ping"}
Responses: {"event": "ready", "devices": {...}} once at start, then one line per request:
           {"id": 1, "result": {...}} | {"id": 1, "cancelled": true} | {"id": 1, "error": "..."}
"""

from __future__ import annotations

import json
import os
import queue
import sys
import threading
from typing import Any

from game.engine.judge import Cancelled, Judge


def available_devices() -> dict[str, bool]:
    """Which devices this machine has (queried after the fork server exists)."""
    import torch

    mps = getattr(torch.backends, "mps", None)
    return {"cpu": True, "cuda": torch.cuda.is_available(),
            "mps": bool(mps and mps.is_available())}


RUN_ROOT_ENV = "TORCHENSTEIN_RUN_ROOT"  # where run folders go (default: the system's temp)


class Service:
    def __init__(self, out=sys.stdout) -> None:
        self.judge = Judge(tmp_root=os.environ.get(RUN_ROOT_ENV) or None)
        self.out = out
        self.write_lock = threading.Lock()
        self.jobs: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.tokens: dict[Any, threading.Event] = {}
        self.tokens_lock = threading.Lock()

    def send(self, message: dict[str, Any]) -> None:
        with self.write_lock:
            self.out.write(json.dumps(message) + "\n")
            self.out.flush()

    def worker(self) -> None:
        while (req := self.jobs.get()) is not None:
            rid = req.get("id")
            try:
                result = self.judge.verify(req["puzzle"], req["source"],
                                           quick=bool(req.get("quick")),
                                           device=req.get("device") or "auto",
                                           seed=req.get("seed"), cancel=self.token(rid))
                self.send({"id": rid, "result": result.model_dump(mode="json")})
            except Cancelled:
                self.send({"id": rid, "cancelled": True})
            except KeyError as exc:
                self.send({"id": rid, "error": str(exc.args[0] if exc.args else exc)})
            except Exception as exc:  # noqa: BLE001 - the service must answer every request
                self.send({"id": rid, "error": f"{type(exc).__name__}: {exc}"})
            finally:
                with self.tokens_lock:
                    self.tokens.pop(rid, None)

    def token(self, rid: Any) -> threading.Event:
        """The cancel event of request `rid` (created on first use, by either side)."""
        with self.tokens_lock:
            return self.tokens.setdefault(rid, threading.Event())

    def cancel(self, rid: Any) -> None:
        """Cancel request `rid` (queued or running); without an id, whatever is running."""
        if rid is None:
            self.judge.cancel()
            return
        self.token(rid).set()
        self.judge.kill_if_running(self.tokens.get(rid))

    def run(self, stdin=sys.stdin) -> None:
        thread = threading.Thread(target=self.worker, daemon=True)
        thread.start()
        self.send({"event": "ready", "devices": available_devices()})
        for line in stdin:
            try:
                req = json.loads(line)
            except ValueError:
                self.send({"error": "not JSON"})
                continue
            op = req.get("op")
            if op == "verify":
                self.jobs.put(req)
            elif op == "cancel":
                self.cancel(req.get("id"))
            elif op == "ping":
                self.send({"id": req.get("id"), "pong": True})
            else:
                self.send({"id": req.get("id"), "error": f"unknown op {op!r}"})
        self.jobs.put(None)
        self.judge.cancel()
        thread.join(timeout=15)
        self.judge.close()


def main() -> None:
    Service().run()


if __name__ == "__main__":
    main()
