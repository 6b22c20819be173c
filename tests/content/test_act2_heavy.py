"""Act II's heavy puzzles through the real judge: act2.training_loop, act2.grad_accumulation
and act2.chunked_attention. Correct answers written differently from the Professor's must pass;
plausible mistakes the puzzle files do not hold must get the verdict, the mismatch kind and
the words that name them. Mistakes that the worked examples already reveal are judged on the
examples only (a quick run), so that the 4096-position case runs only where it matters."""

from __future__ import annotations

from dataclasses import dataclass
from textwrap import dedent

import pytest

from game.core.result import Status
from game.engine.judge import Judge

SEED = 20260302


@dataclass(frozen=True)
class Wrong:
    source: str
    status: Status
    mismatch: str | None = None
    says: str | None = None
    quick: bool = False


def run(judge: Judge, puzzle: str, source: str, quick: bool = False):
    result = judge.verify(puzzle, dedent(source).strip() + "\n", seed=SEED, quick=quick)
    return result, {t.mismatch for t in result.tests if t.mismatch}


def check_right(judge: Judge, puzzle: str, source: str) -> None:
    result, _ = run(judge, puzzle, source)
    assert result.status is Status.PASS, f"{result.status.value}: {result.message}"


def check_wrong(judge: Judge, puzzle: str, case: Wrong) -> None:
    result, kinds = run(judge, puzzle, case.source, quick=case.quick)
    assert result.status is case.status, f"{result.status.value}: {result.message}"
    if case.mismatch is not None:
        assert case.mismatch in kinds, f"{kinds}: {result.message}"
    if case.says is not None:
        assert case.says in result.message, result.message


# -- act2.training_loop ------------------------------------------------------------------------

_TRIAGE = """
        import torch
        import torch.nn.functional as F
        from torch import nn

        class Triage(nn.Module):
            def __init__(self):
                super().__init__()
                self.hidden = nn.Linear(6, 32)
                self.drop = nn.Dropout(0.5)
                self.out = nn.Linear(32, 3)

            def forward(self, x):
                return self.out(self.drop(F.relu(self.hidden(x))))
"""


def triage(loop: str) -> str:
    return _TRIAGE + "\n" + " " * 8 + dedent(loop).strip().replace("\n", "\n" + " " * 8) + "\n"


TRAINING_RIGHT = {
    "Adam, minibatches from a shuffled order": triage("""
        def train_triage(x_train, y_train, x_test, seed):
            torch.manual_seed(seed)
            model = Triage()
            opt = torch.optim.Adam(model.parameters(), lr=0.01)
            for _ in range(10):
                for idx in torch.randperm(len(x_train)).split(64):
                    opt.zero_grad()
                    F.cross_entropy(model(x_train[idx]), y_train[idx]).backward()
                    opt.step()
            model.eval()
            with torch.inference_mode():
                return model.state_dict(), model(x_test).argmax(1)
    """),
    "a DataLoader and nn.CrossEntropyLoss": triage("""
        from torch.utils.data import DataLoader, TensorDataset

        def train_triage(x_train, y_train, x_test, seed):
            torch.manual_seed(seed)
            model = Triage()
            loss_fn = nn.CrossEntropyLoss()
            opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
            loader = DataLoader(TensorDataset(x_train, y_train), batch_size=100, shuffle=True)
            for _ in range(25):
                for xb, yb in loader:
                    opt.zero_grad(set_to_none=True)
                    loss_fn(model(xb), yb).backward()
                    opt.step()
            model.eval()
            with torch.no_grad():
                labels = torch.argmax(model(x_test), dim=-1)
            return model.state_dict(), labels
    """),
    "zero_grad after the step, a copied state": triage("""
        def train_triage(x_train, y_train, x_test, seed):
            torch.manual_seed(seed)
            model = Triage()
            opt = torch.optim.AdamW(model.parameters(), lr=0.02)
            model.train()
            for _ in range(200):
                loss = F.cross_entropy(model(x_train), y_train)
                loss.backward()
                opt.step()
                opt.zero_grad()
            model.eval()
            with torch.no_grad():
                labels = model(x_test).max(dim=1).indices
            return {k: v.clone() for k, v in model.state_dict().items()}, labels
    """),
}

_LOOP = """
        def train_triage(x_train, y_train, x_test, seed):
            torch.manual_seed(seed)
            model = Triage()
            opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
            {body}
"""


def loop(body: str) -> str:
    return triage(_LOOP.replace("{body}", dedent(body).strip().replace("\n", "\n" + " " * 12)))


TRAINING_WRONG = {
    "predictions as floats": Wrong(loop("""
        for _ in range(150):
            opt.zero_grad()
            F.cross_entropy(model(x_train), y_train).backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            return model.state_dict(), model(x_test).argmax(dim=1).float()
    """), Status.WRONG_ANSWER, "dtype", "int64"),
    "MSE on the label numbers": Wrong(loop("""
        for _ in range(150):
            opt.zero_grad()
            score = model(x_train).mean(dim=1)
            F.mse_loss(score, y_train.float()).backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            return model.state_dict(), model(x_test).argmax(dim=1)
    """), Status.WRONG_ANSWER, "values", "at least 85% is needed"),
    "labels predicted on the training patients": Wrong(loop("""
        for _ in range(150):
            opt.zero_grad()
            F.cross_entropy(model(x_train), y_train).backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            return model.state_dict(), model(x_train).argmax(dim=1)
    """), Status.WRONG_ANSWER, "shape", "expected shape (300,)"),
    "the state_dict of a fresh network": Wrong(loop("""
        for _ in range(150):
            opt.zero_grad()
            F.cross_entropy(model(x_train), y_train).backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            labels = model(x_test).argmax(dim=1)
        return Triage().state_dict(), labels
    """), Status.WRONG_ANSWER, "values", "evaluated by the judge in eval mode"),
    "a learning rate that diverges": Wrong(loop("""
        opt = torch.optim.SGD(model.parameters(), lr=50.0, momentum=0.9)
        for _ in range(150):
            opt.zero_grad()
            F.cross_entropy(model(x_train), y_train).backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            return model.state_dict(), model(x_test).argmax(dim=1)
    """), Status.WRONG_ANSWER, None, None),
    "the labels returned first": Wrong(loop("""
        for _ in range(150):
            opt.zero_grad()
            F.cross_entropy(model(x_train), y_train).backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            return model(x_test).argmax(dim=1), model.state_dict()
    """), Status.WRONG_ANSWER, "type", "model.state_dict()"),
}


@pytest.mark.parametrize("name", TRAINING_RIGHT)
def test_training_loop_other_correct_answers_pass(judge, name):
    check_right(judge, "act2.training_loop", TRAINING_RIGHT[name])


@pytest.mark.parametrize("name", TRAINING_WRONG)
def test_training_loop_mistakes_are_named(judge, name):
    check_wrong(judge, "act2.training_loop", TRAINING_WRONG[name])


# -- act2.grad_accumulation --------------------------------------------------------------------

_ACC = """
        import torch
        import torch.nn.functional as F

        def accumulate_step(model, optimizer, x, y, micro_batch):
            {body}
"""


def acc(body: str) -> str:
    return _ACC.replace("{body}", dedent(body).strip().replace("\n", "\n" + " " * 12))


ACCUMULATION_RIGHT = {
    "sum reduction over the whole batch size": acc("""
        optimizer.zero_grad()
        for xs, ys in zip(x.split(micro_batch), y.split(micro_batch)):
            (F.cross_entropy(model(xs), ys, reduction="sum") / len(x)).backward()
        optimizer.step()
    """),
    "slices by index": acc("""
        optimizer.zero_grad(set_to_none=True)
        n = x.shape[0]
        for start in range(0, n, micro_batch):
            xs, ys = x[start:start + micro_batch], y[start:start + micro_batch]
            loss = F.cross_entropy(model(xs), ys) * xs.shape[0] / n
            loss.backward()
        optimizer.step()
    """),
    "unscaled sums, gradients divided before the step": acc("""
        optimizer.zero_grad()
        for xs, ys in zip(torch.split(x, micro_batch), torch.split(y, micro_batch)):
            F.cross_entropy(model(xs), ys, reduction="sum").backward()
        with torch.no_grad():
            for p in model.parameters():
                p.grad /= len(x)
        optimizer.step()
    """),
}

ACCUMULATION_WRONG = {
    "scaled by the micro-batch size": Wrong(acc("""
        optimizer.zero_grad()
        for xs, ys in zip(x.split(micro_batch), y.split(micro_batch)):
            (F.cross_entropy(model(xs), ys) * len(xs) / micro_batch).backward()
        optimizer.step()
    """), Status.WRONG_ANSWER, "values", "the denominator is the whole batch"),
    "zeroed inside the loop, unweighted": Wrong(acc("""
        for xs, ys in zip(x.split(micro_batch), y.split(micro_batch)):
            optimizer.zero_grad()
            F.cross_entropy(model(xs), ys).backward()
        optimizer.step()
    """), Status.WRONG_ANSWER, "values", "only the last micro-batch"),
    "no step at all": Wrong(acc("""
        optimizer.zero_grad()
        for xs, ys in zip(x.split(micro_batch), y.split(micro_batch)):
            (F.cross_entropy(model(xs), ys) * len(xs) / len(x)).backward()
    """), Status.WRONG_ANSWER, "values", "did not move"),
    "the uneven last micro-batch dropped": Wrong(acc("""
        optimizer.zero_grad()
        whole = len(x) // micro_batch * micro_batch
        for xs, ys in zip(x[:whole].split(micro_batch), y[:whole].split(micro_batch)):
            (F.cross_entropy(model(xs), ys) * len(xs) / whole).backward()
        optimizer.step()
    """), Status.WRONG_ANSWER, "values", "example: 10 patients"),
    "one backward through every micro-batch's graph": Wrong(acc("""
        optimizer.zero_grad()
        total = 0
        for xs, ys in zip(x.split(micro_batch), y.split(micro_batch)):
            total = total + F.cross_entropy(model(xs), ys) * len(xs) / len(x)
        total.backward()
        optimizer.step()
    """), Status.WRONG_ANSWER, "budget", "the budget is 2 MiB"),
}


@pytest.mark.parametrize("name", ACCUMULATION_RIGHT)
def test_grad_accumulation_other_correct_answers_pass(judge, name):
    check_right(judge, "act2.grad_accumulation", ACCUMULATION_RIGHT[name])


@pytest.mark.parametrize("name", ACCUMULATION_WRONG)
def test_grad_accumulation_mistakes_are_named(judge, name):
    check_wrong(judge, "act2.grad_accumulation", ACCUMULATION_WRONG[name])


# -- act2.chunked_attention --------------------------------------------------------------------

ATTENTION_RIGHT = {
    "keys in blocks with an online softmax": """
        import math

        import torch

        def attention(q, k, v, causal=False):
            n, m = q.shape[-2], k.shape[-2]
            scale = 1 / math.sqrt(q.shape[-1])
            best = torch.full((*q.shape[:-1], 1), float("-inf"), dtype=q.dtype)
            total = torch.zeros((*q.shape[:-1], 1), dtype=q.dtype)
            acc = torch.zeros((*q.shape[:-1], v.shape[-1]), dtype=q.dtype)
            rows = torch.arange(n)[:, None]
            for start in range(0, m, 64):
                s = (q @ k[..., start:start + 64, :].transpose(-2, -1)) * scale
                if causal:
                    keys = torch.arange(start, min(start + 64, m))
                    s = s.masked_fill(keys > rows, float("-inf"))
                new_best = torch.maximum(best, s.amax(dim=-1, keepdim=True))
                fix = torch.exp(best - new_best)
                p = torch.exp(s - new_best)
                total = total * fix + p.sum(dim=-1, keepdim=True)
                acc = acc * fix + p @ v[..., start:start + 64, :]
                best = new_best
            return acc / total
    """,
    "query blocks with torch.softmax": """
        import math

        import torch

        def attention(q, k, v, causal=False):
            n, m = q.shape[-2], k.shape[-2]
            kt = k.transpose(-2, -1)
            outs = []
            for start in range(0, n, 128):
                s = q[..., start:start + 128, :] @ kt / math.sqrt(q.shape[-1])
                if causal:
                    i = torch.arange(start, min(start + 128, n))[:, None]
                    s = s.masked_fill(torch.arange(m) > i, float("-inf"))
                outs.append(torch.softmax(s, dim=-1) @ v)
            return torch.cat(outs, dim=-2) if outs else q.new_zeros(*q.shape[:-1], v.shape[-1])
    """,
    "one head at a time, into a preallocated output": """
        import math

        import torch

        def attention(q, k, v, causal=False):
            b, h, n, d = q.shape
            m = k.shape[-2]
            out = torch.empty(b, h, n, v.shape[-1], dtype=q.dtype)
            mask = None
            for i in range(b):
                for j in range(h):
                    for start in range(0, n, 512):
                        s = q[i, j, start:start + 512] @ k[i, j].T / math.sqrt(d)
                        if causal:
                            rows = torch.arange(start, min(start + 512, n))[:, None]
                            mask = torch.arange(m) > rows
                            s = s.masked_fill(mask, float("-inf"))
                        out[i, j, start:start + 512] = torch.softmax(s, dim=-1) @ v[i, j]
            return out
    """,
}

ATTENTION_WRONG = {
    "the causal flag ignored": Wrong("""
        import math

        import torch

        def attention(q, k, v, causal=False):
            outs = []
            for start in range(0, q.shape[-2], 128):
                s = q[..., start:start + 128, :] @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
                outs.append(torch.softmax(s, dim=-1) @ v)
            return torch.cat(outs, dim=-2)
    """, Status.WRONG_ANSWER, "values", "causal", quick=True),
    "softmax over the queries": Wrong("""
        import math

        import torch

        def attention(q, k, v, causal=False):
            s = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
            if causal:
                n = q.shape[-2]
                s = s.masked_fill(torch.ones(n, n, dtype=torch.bool).triu(1), float("-inf"))
            return torch.softmax(s, dim=-2) @ v
    """, Status.WRONG_ANSWER, "values", "example: one head", quick=True),
    "computed and returned in float64": Wrong("""
        import math

        import torch

        def attention(q, k, v, causal=False):
            q, k, v = q.double(), k.double(), v.double()
            s = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
            if causal:
                n = q.shape[-2]
                s = s.masked_fill(torch.ones(n, n, dtype=torch.bool).triu(1), float("-inf"))
            return torch.softmax(s, dim=-1) @ v
    """, Status.WRONG_ANSWER, "dtype", "float64", quick=True),
    "the causal mask restarts in every block": Wrong("""
        import math

        import torch

        def attention(q, k, v, causal=False):
            n, m = q.shape[-2], k.shape[-2]
            outs = []
            for start in range(0, n, 128):
                s = q[..., start:start + 128, :] @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
                if causal:
                    i = torch.arange(s.shape[-2])[:, None]
                    s = s.masked_fill(torch.arange(m) > i, float("-inf"))
                outs.append(torch.softmax(s, dim=-1) @ v)
            return torch.cat(outs, dim=-2) if outs else q.new_zeros(*q.shape[:-1], v.shape[-1])
    """, Status.WRONG_ANSWER, "values", "causal, 1,024 positions"),
    "every block's weights kept until the end": Wrong("""
        import math

        import torch

        def attention(q, k, v, causal=False):
            n, m = q.shape[-2], k.shape[-2]
            weights = []
            for start in range(0, n, 256):
                s = q[..., start:start + 256, :] @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
                if causal:
                    i = torch.arange(start, min(start + 256, n))[:, None]
                    s = s.masked_fill(torch.arange(m) > i, float("-inf"))
                weights.append(torch.softmax(s, dim=-1))
            if not weights:
                return q.new_zeros(*q.shape[:-1], v.shape[-1])
            return torch.cat([w @ v for w in weights], dim=-2)
    """, Status.WRONG_ANSWER, "budget", "the budget is 64 MiB"),
}


@pytest.mark.parametrize("name", ATTENTION_RIGHT)
def test_chunked_attention_other_correct_answers_pass(judge, name):
    check_right(judge, "act2.chunked_attention", ATTENTION_RIGHT[name])


@pytest.mark.parametrize("name", ATTENTION_WRONG)
def test_chunked_attention_mistakes_are_named(judge, name):
    check_wrong(judge, "act2.chunked_attention", ATTENTION_WRONG[name])


def test_naive_attention_fails_the_budget_with_its_measured_peak(judge):
    naive = """
        import math

        import torch

        def attention(q, k, v, causal=False):
            s = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
            if causal:
                n = q.shape[-2]
                s = s.masked_fill(torch.ones(n, n, dtype=torch.bool).triu(1), float("-inf"))
            return torch.softmax(s, dim=-1) @ v
    """
    result, kinds = run(judge, "act2.chunked_attention", naive)
    assert result.status is Status.WRONG_ANSWER and kinds == {"budget"}, result.message
    assert "the budget is 64 MiB" in result.message
    # Scores, their scaled copy and the softmax: well over a gibibyte at the peak.
    assert result.metrics.peak_bytes is not None and result.metrics.peak_bytes > 2**30
