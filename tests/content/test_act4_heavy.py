"""Act IV's heavy puzzles through the real judge: act4.leak_loop (a peak-memory budget over
100 steps), act4.mixed_precision (a run of scaled steps) and act4.worker_seeds (real
DataLoader worker processes). Correct answers written differently from the Professor's must
pass; plausible mistakes must get the verdict, mismatch kind and explanation that name them.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from game.core.content import load_catalog
from game.core.result import Result, Status
from game.engine.judge import Judge

SEED = 4041
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def judge() -> Iterator[Judge]:
    with Judge(load_catalog()) as j:
        yield j


@pytest.fixture(scope="module")
def loader_judge() -> Iterator[Judge]:
    # Its own judge: the loader's workers are real processes in the run's PID namespace, with
    # the run's private /dev/shm for their queues.
    with Judge(load_catalog()) as j:
        yield j


def verify(judge: Judge, puzzle: str, source: str) -> Result:
    return judge.verify(puzzle, textwrap.dedent(source).strip() + "\n", seed=SEED)


def kinds(result: Result) -> set[str]:
    return {t.mismatch for t in result.tests if t.mismatch}


# -- act4.leak_loop ----------------------------------------------------------------------------

LEAK_RIGHT = {
    "detached running sums, floats at the end": """
        import torch
        import torch.nn.functional as F

        def train(model, optimizer, data, steps):
            train_total = torch.zeros(())
            val_total = torch.zeros(())
            for _ in range(steps):
                optimizer.zero_grad()
                loss = F.mse_loss(model(data["x"]), data["y"])
                loss.backward()
                optimizer.step()
                train_total += loss.detach()
                with torch.no_grad():
                    val_total += F.mse_loss(model(data["x_val"]), data["y_val"])
            return float(train_total / steps), float(val_total / steps)
    """,
    "inference_mode and lists of floats": """
        import torch
        import torch.nn.functional as F

        def train(model, optimizer, data, steps):
            train_log, val_log = [], []
            for _ in range(steps):
                optimizer.zero_grad(set_to_none=True)
                loss = F.mse_loss(model(data["x"]), data["y"])
                loss.backward()
                optimizer.step()
                train_log.append(loss.item())
                with torch.inference_mode():
                    val_log.append(F.mse_loss(model(data["x_val"]), data["y_val"]).item())
            return sum(train_log) / len(train_log), sum(val_log) / len(val_log)
    """,
    "validation through a helper decorated with no_grad": """
        import torch

        @torch.no_grad()
        def evaluate(model, x, y):
            return ((model(x) - y) ** 2).mean().item()

        def train(model, optimizer, data, steps):
            train_sum = val_sum = 0.0
            for _ in range(steps):
                optimizer.zero_grad()
                loss = ((model(data["x"]) - data["y"]) ** 2).mean()
                loss.backward()
                optimizer.step()
                train_sum += loss.item()
                val_sum += evaluate(model, data["x_val"], data["y_val"])
            return train_sum / steps, val_sum / steps
    """,
}

LEAK_WRONG = {
    "validation losses kept as tensors in a list": ("""
        import torch.nn.functional as F

        def train(model, optimizer, data, steps):
            train_total, val_losses = 0.0, []
            for _ in range(steps):
                optimizer.zero_grad()
                loss = F.mse_loss(model(data["x"]), data["y"])
                loss.backward()
                optimizer.step()
                train_total += loss.item()
                val_losses.append(F.mse_loss(model(data["x_val"]), data["y_val"]))
            return train_total / steps, float(sum(val_losses) / steps)
    """, Status.WRONG_ANSWER, "budget", "100 steps"),
    "retain_graph and a tensor total": ("""
        import torch
        import torch.nn.functional as F

        def train(model, optimizer, data, steps):
            total, val_total = 0.0, 0.0
            for _ in range(steps):
                optimizer.zero_grad()
                loss = F.mse_loss(model(data["x"]), data["y"])
                loss.backward(retain_graph=True)
                optimizer.step()
                total = total + loss
                with torch.no_grad():
                    val_total += F.mse_loss(model(data["x_val"]), data["y_val"]).item()
            return float(total / steps), val_total / steps
    """, Status.WRONG_ANSWER, "budget", "the budget is 4 MiB"),
    "validated on the training data": ("""
        import torch
        import torch.nn.functional as F

        def train(model, optimizer, data, steps):
            train_total, val_total = 0.0, 0.0
            for _ in range(steps):
                optimizer.zero_grad()
                loss = F.mse_loss(model(data["x"]), data["y"])
                loss.backward()
                optimizer.step()
                train_total += loss.item()
                with torch.no_grad():
                    val_total += F.mse_loss(model(data["x"]), data["y"]).item()
            return train_total / steps, val_total / steps
    """, Status.WRONG_ANSWER, "values", None),
    "the last loss instead of the mean": ("""
        import torch
        import torch.nn.functional as F

        def train(model, optimizer, data, steps):
            for _ in range(steps):
                optimizer.zero_grad()
                loss = F.mse_loss(model(data["x"]), data["y"])
                loss.backward()
                optimizer.step()
                with torch.no_grad():
                    val = F.mse_loss(model(data["x_val"]), data["y_val"]).item()
            return loss.item(), val
    """, Status.WRONG_ANSWER, "values", None),
    "a list instead of a tuple": ("""
        import torch
        import torch.nn.functional as F

        def train(model, optimizer, data, steps):
            train_total, val_total = 0.0, 0.0
            for _ in range(steps):
                optimizer.zero_grad()
                loss = F.mse_loss(model(data["x"]), data["y"])
                loss.backward()
                optimizer.step()
                train_total += loss.item()
                with torch.no_grad():
                    val_total += F.mse_loss(model(data["x_val"]), data["y_val"]).item()
            return [train_total / steps, val_total / steps]
    """, Status.RUNTIME_ERROR, None, "tuple of two Python floats"),
}

# -- act4.mixed_precision ----------------------------------------------------------------------

AMP_RIGHT = {
    "torch.amp.autocast and an explicit parameter list": """
        import torch
        import torch.nn.functional as F

        def amp_step(model, optimizer, scaler, x, y):
            params = list(model.parameters())
            optimizer.zero_grad(set_to_none=True)
            with torch.amp.autocast(x.device.type, dtype=torch.bfloat16):
                out = model(x)
                loss = F.mse_loss(out, y)
            scaler.scale(loss).backward()
            scaler.unscale_(optimizer)
            torch.nn.utils.clip_grad_norm_(params, 1.0, norm_type=2.0)
            scaler.step(optimizer)
            scaler.update()
    """,
    "gradients zeroed on the model, clipping through nn.utils": """
        import torch
        from torch import nn
        from torch.nn import functional as F

        def amp_step(model, optimizer, scaler, x, y):
            model.zero_grad()
            with torch.autocast(device_type=x.device.type, dtype=torch.bfloat16):
                loss = F.mse_loss(model(x), y)
            scaled = scaler.scale(loss)
            scaled.backward()
            scaler.unscale_(optimizer)
            nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
            scaler.step(optimizer)
            scaler.update()
    """,
    "the device type read from the model's parameters": """
        import torch
        import torch.nn.functional as F

        def amp_step(model, optimizer, scaler, x, y):
            device_type = next(model.parameters()).device.type
            optimizer.zero_grad()
            with torch.autocast(device_type, torch.bfloat16):
                loss = F.mse_loss(model(x), y)
            scaler.scale(loss).backward()
            scaler.unscale_(optimizer)
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            scaler.step(optimizer)
            scaler.update()
    """,
}

AMP_HEAD = """
    import torch
    import torch.nn.functional as F

    def amp_step(model, optimizer, scaler, x, y):
"""


def amp(body: str) -> str:
    return textwrap.dedent(AMP_HEAD) + textwrap.indent(textwrap.dedent(body), "    ")


AMP_WRONG = {
    "float16 autocast on the CPU": (amp("""
        optimizer.zero_grad()
        with torch.autocast(device_type=x.device.type, dtype=torch.float16):
            loss = F.mse_loss(model(x), y)
        scaler.scale(loss).backward()
        scaler.unscale_(optimizer)
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        scaler.step(optimizer)
        scaler.update()
    """), Status.WRONG_ANSWER, "values", None),
    "backward on the unscaled loss": (amp("""
        optimizer.zero_grad()
        with torch.autocast(device_type=x.device.type, dtype=torch.bfloat16):
            loss = F.mse_loss(model(x), y)
        scaler.scale(loss)
        loss.backward()
        scaler.unscale_(optimizer)
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        scaler.step(optimizer)
        scaler.update()
    """), Status.WRONG_ANSWER, "values", None),
    "clipping each value instead of the norm": (amp("""
        optimizer.zero_grad()
        with torch.autocast(device_type=x.device.type, dtype=torch.bfloat16):
            loss = F.mse_loss(model(x), y)
        scaler.scale(loss).backward()
        scaler.unscale_(optimizer)
        torch.nn.utils.clip_grad_value_(model.parameters(), 1.0)
        scaler.step(optimizer)
        scaler.update()
    """), Status.WRONG_ANSWER, "values", None),
    "gradients never zeroed": (amp("""
        with torch.autocast(device_type=x.device.type, dtype=torch.bfloat16):
            loss = F.mse_loss(model(x), y)
        scaler.scale(loss).backward()
        scaler.unscale_(optimizer)
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        scaler.step(optimizer)
        scaler.update()
    """), Status.WRONG_ANSWER, "values", None),
    "unscaled twice": (amp("""
        optimizer.zero_grad()
        with torch.autocast(device_type=x.device.type, dtype=torch.bfloat16):
            loss = F.mse_loss(model(x), y)
        scaler.scale(loss).backward()
        scaler.unscale_(optimizer)
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        scaler.unscale_(optimizer)
        scaler.step(optimizer)
        scaler.update()
    """), Status.RUNTIME_ERROR, None, "unscale_() has already been called"),
}

# -- act4.worker_seeds -------------------------------------------------------------------------

SEEDS_RIGHT = {
    "torch.initial_seed inside the worker": """
        import numpy as np
        import torch

        def worker_init_fn(worker_id):
            dataset = torch.utils.data.get_worker_info().dataset
            dataset.rng = np.random.default_rng(torch.initial_seed())
    """,
    "a seed drawn from numpy's global generator, which PyTorch seeded": """
        import numpy as np
        from torch.utils.data import get_worker_info

        def worker_init_fn(worker_id):
            get_worker_info().dataset.rng = np.random.default_rng(np.random.randint(2**31))
    """,
    "a SeedSequence from Python's random": """
        import random

        import numpy as np
        import torch

        def worker_init_fn(worker_id):
            info = torch.utils.data.get_worker_info()
            seq = np.random.SeedSequence([random.getrandbits(64), worker_id])
            info.dataset.rng = np.random.Generator(np.random.PCG64(seq))
    """,
}

SEEDS_WRONG = {
    "the stream advanced by the worker id": ("""
        import torch

        def worker_init_fn(worker_id):
            torch.utils.data.get_worker_info().dataset.rng.bit_generator.advance(worker_id)
    """, Status.WRONG_ANSWER, "values", "repeated epoch 1's noise"),
    "seeded by the number of workers": ("""
        import numpy as np
        import torch

        def worker_init_fn(worker_id):
            info = torch.utils.data.get_worker_info()
            info.dataset.rng = np.random.default_rng(info.num_workers)
    """, Status.WRONG_ANSWER, "values", "drew the same noise"),
    "seeded by the process id": ("""
        import os

        import numpy as np
        import torch

        def worker_init_fn(worker_id):
            torch.utils.data.get_worker_info().dataset.rng = np.random.default_rng(os.getpid())
    """, Status.WRONG_ANSWER, "values", "same generator seed gave different noise"),
    "numpy's global generator reseeded from info.seed": ("""
        import numpy as np
        import torch

        def worker_init_fn(worker_id):
            np.random.seed(torch.utils.data.get_worker_info().seed % 2**32)
    """, Status.WRONG_ANSWER, "values", "drew the same noise"),
    "the clock": ("""
        import time

        import numpy as np
        import torch

        def worker_init_fn(worker_id):
            info = torch.utils.data.get_worker_info()
            info.dataset.rng = np.random.default_rng([time.time_ns(), worker_id])
    """, Status.WRONG_ANSWER, "values", "same generator seed gave different noise"),
}

RIGHT = {"act4.leak_loop": LEAK_RIGHT, "act4.mixed_precision": AMP_RIGHT}
WRONG = {"act4.leak_loop": LEAK_WRONG, "act4.mixed_precision": AMP_WRONG}


def check_failure(res: Result, status: Status, mismatch: str | None, says: str | None) -> None:
    assert res.status is status, f"{res.status.value}: {res.message}"
    if mismatch is not None:
        assert mismatch in kinds(res), f"mismatch kinds {kinds(res)}: {res.message}"
    if says is not None:
        assert says in res.message, res.message


@pytest.mark.parametrize(("puzzle", "name"),
                         [(p, n) for p, answers in RIGHT.items() for n in answers])
def test_other_correct_answers_pass(judge: Judge, puzzle: str, name: str) -> None:
    res = verify(judge, puzzle, RIGHT[puzzle][name])
    assert res.status is Status.PASS, f"{res.status.value}: {res.message}"


@pytest.mark.parametrize(("puzzle", "name"),
                         [(p, n) for p, answers in WRONG.items() for n in answers])
def test_plausible_mistakes_fail(judge: Judge, puzzle: str, name: str) -> None:
    check_failure(verify(judge, puzzle, WRONG[puzzle][name][0]), *WRONG[puzzle][name][1:])


@pytest.mark.parametrize("name", list(SEEDS_RIGHT))
def test_worker_seeds_other_correct_answers_pass(loader_judge: Judge, name: str) -> None:
    res = verify(loader_judge, "act4.worker_seeds", SEEDS_RIGHT[name])
    assert res.status is Status.PASS, f"{res.status.value}: {res.message}"


@pytest.mark.parametrize("name", list(SEEDS_WRONG))
def test_worker_seeds_plausible_mistakes_fail(loader_judge: Judge, name: str) -> None:
    source, *expected = SEEDS_WRONG[name]
    check_failure(verify(loader_judge, "act4.worker_seeds", source), *expected)


def test_leak_loop_peak_does_not_grow_for_the_solution(judge: Judge) -> None:
    solution = (ROOT / "puzzles/act4/leak_loop/solution.py").read_text(encoding="utf-8")
    res = verify(judge, "act4.leak_loop", solution)
    assert res.status is Status.PASS, res.message
    assert res.metrics.peak_bytes is not None and res.metrics.peak_bytes < 1 * 2**20
