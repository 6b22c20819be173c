# ruff: noqa: E501 - the answers below are a learner's code, long lines and all
"""The finale's heavy puzzles through the real judge: finale.speaks, finale.denoiser,
finale.last_leak and finale.ddp_step. Correct answers written differently from the
Professor's must pass; plausible mistakes must get the verdict, the mismatch kind and the
message that name them. Training answers are short runs; mistakes that need no training fail
after a few steps, so that the whole file stays quick."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from textwrap import dedent

import pytest

from game.core.content import load_catalog
from game.core.result import Result, Status
from game.engine.judge import Judge

SEED = 20260615
REPO = Path(__file__).resolve().parents[2]


def verify(judge: Judge, puzzle: str, source: str) -> Result:
    return judge.verify(puzzle, dedent(source), seed=SEED)


def kinds(result: Result) -> set[str]:
    return {t.mismatch for t in result.tests if t.mismatch}


def check(judge: Judge, puzzle: str, source: str, status: Status,
          mismatch: str | None, says: str) -> None:
    result = verify(judge, puzzle, source)
    assert result.status is status, f"{result.status.value}: {result.message}"
    if mismatch is not None:
        assert mismatch in kinds(result), f"kinds {kinds(result)}: {result.message}"
    assert says in result.message, result.message


# -- finale.speaks ------------------------------------------------------------------------------

LM_SOLUTION = (REPO / "puzzles" / "finale" / "speaks" / "solution.py").read_text()
LM_BLOCKS = LM_SOLUTION[: LM_SOLUTION.index("def train_lm")]

MANUAL_ATTENTION = LM_BLOCKS.replace(
    """        s = k.shape[2]
        allowed = torch.ones(t, s, dtype=torch.bool, device=x.device).tril(s - t)
        y = F.scaled_dot_product_attention(q, k, v, attn_mask=allowed,
                                           scale=1 / math.sqrt(d // self.n_heads))""",
    """        s = k.shape[2]
        scores = q @ k.transpose(-2, -1) / math.sqrt(d // self.n_heads)
        future = torch.ones(t, s, dtype=torch.bool).triu(s - t + 1)
        y = scores.masked_fill(future, float("-inf")).softmax(-1) @ v""")

SPEAKS_RIGHT = {
    "attention by hand, Adam, windows by unfold": MANUAL_ATTENTION + """
def train_lm(ids, vocab_size, seed, snapshot):
    torch.manual_seed(seed)
    model = TinyLM(vocab_size)
    opt = torch.optim.Adam(model.parameters(), lr=6e-3)
    windows = ids.unfold(0, CONTEXT + 1, 1)          # every window of 33 characters
    for step in range(280):
        batch = windows[torch.randint(0, len(windows), (32,))]
        logits = model(batch[:, :-1])
        loss = F.cross_entropy(logits.reshape(-1, vocab_size), batch[:, 1:].reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 40 == 0:
            snapshot(model)
    return model.state_dict()
""",
    "AdamW with warm-up and cosine decay": LM_BLOCKS + """
def train_lm(ids, vocab_size, seed, snapshot):
    torch.manual_seed(seed)
    model = TinyLM(vocab_size)
    steps = 280
    opt = torch.optim.AdamW(model.parameters(), lr=8e-3, weight_decay=0.01)
    warm = 20
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda i: min(1.0, (i + 1) / warm) * 0.5 * (1 + math.cos(math.pi * i / steps)))
    for step in range(steps):
        start = torch.randint(0, len(ids) - CONTEXT - 1, (32,))
        x = torch.stack([ids[s:s + CONTEXT] for s in start.tolist()])
        y = torch.stack([ids[s + 1:s + CONTEXT + 1] for s in start.tolist()])
        loss = F.cross_entropy(model(x).transpose(1, 2), y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sched.step()
        if step % 25 == 0:
            snapshot(model)
    return model.state_dict()
""",
    "gradient clipping and a larger batch": LM_BLOCKS + """
def train_lm(ids, vocab_size, seed, snapshot):
    torch.manual_seed(seed)
    model = TinyLM(vocab_size)
    opt = torch.optim.Adam(model.parameters(), lr=5e-3)
    offsets = torch.arange(CONTEXT + 1)
    for step in range(240):
        chunk = ids[torch.randint(0, len(ids) - CONTEXT - 1, (48, 1)) + offsets]
        loss = F.cross_entropy(model(chunk[:, :-1]).flatten(0, 1), chunk[:, 1:].flatten())
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if step % 30 == 29:
            snapshot(model)
    return model.state_dict()
""",
}

QUICK_TRAIN = """
def train_lm(ids, vocab_size, seed, snapshot):
    torch.manual_seed(seed)
    model = TinyLM(vocab_size)
    opt = torch.optim.Adam(model.parameters(), lr=5e-3)
    offsets = torch.arange(CONTEXT)
    for step in range(5):
        start = torch.randint(0, len(ids) - CONTEXT, (8, 1))
        loss = F.cross_entropy(model(ids[start + offsets]).flatten(0, 1), ids[start + offsets + 1].flatten())
        opt.zero_grad()
        loss.backward()
        opt.step()
    return {result}
"""

SPEAKS_WRONG = {
    "the parameters returned, not the state_dict": (
        LM_BLOCKS + QUICK_TRAIN.format(result="list(model.parameters())"),
        Status.RUNTIME_ERROR, None, "train_lm must return model.state_dict()"),
    "the position table named like GPT-2's": (
        LM_BLOCKS.replace("self.pos = nn.Embedding", "self.wpe = nn.Embedding").replace(
            "self.pos(torch.arange", "self.wpe(torch.arange") + QUICK_TRAIN.format(
            result="model.state_dict()"),
        Status.WRONG_ANSWER, "type", "missing pos.weight"),
    "a head without a bias": (
        LM_BLOCKS.replace("self.head = nn.Linear(D_MODEL, vocab_size)",
                          "self.head = nn.Linear(D_MODEL, vocab_size, bias=False)")
        + QUICK_TRAIN.format(result="model.state_dict()"),
        Status.WRONG_ANSWER, "type", "missing head.bias"),
    "a model twice as wide": (
        LM_BLOCKS.replace("D_MODEL, N_HEADS, N_LAYERS, CONTEXT = 32, 4, 2, 32",
                          "D_MODEL, N_HEADS, N_LAYERS, CONTEXT = 64, 4, 2, 32")
        + QUICK_TRAIN.format(result="model.state_dict()"),
        Status.WRONG_ANSWER, "shape", "proj.weight should be (32, 32), is (64, 64)"),
    "the norm's weight called scale": (
        LM_BLOCKS.replace("self.weight = nn.Parameter(torch.ones(dim))",
                          "self.scale = nn.Parameter(torch.ones(dim))").replace(
            "h * self.weight.to(wide)", "h * self.scale.to(wide)")
        + QUICK_TRAIN.format(result="model.state_dict()"),
        Status.WRONG_ANSWER, "type", "norm1.weight"),
}


@pytest.fixture(scope="module")
def judge() -> Iterator[Judge]:
    with Judge(load_catalog()) as j:
        yield j


@pytest.mark.parametrize("name", list(SPEAKS_RIGHT))
def test_speaks_other_training_runs_pass(judge: Judge, name: str) -> None:
    result = verify(judge, "finale.speaks", SPEAKS_RIGHT[name])
    assert result.status is Status.PASS, f"{name}: {result.status.value}: {result.message}"
    (figure,) = result.figures
    assert figure.kind == "series" and figure.title.startswith("Held-out loss. It says: ")
    curve = figure.lines["yours"]
    assert len(curve) >= 2 and curve[-1] < curve[0]  # the judge measured it learning


@pytest.mark.parametrize("name", list(SPEAKS_WRONG))
def test_speaks_mistakes(judge: Judge, name: str) -> None:
    source, status, mismatch, says = SPEAKS_WRONG[name]
    check(judge, "finale.speaks", source, status, mismatch, says)


# -- finale.denoiser ------------------------------------------------------------------------------

DENOISER_HEAD = """
import torch
import torch.nn.functional as F
from torch import nn

STEPS = 50
BETAS = torch.linspace(1e-3, 0.2, STEPS, dtype=torch.float64)
ALPHA_BAR = torch.cumprod(1 - BETAS, dim=0).float()


def make_denoiser() -> nn.Module:
    return nn.Sequential(nn.Linear(3, 64), nn.SiLU(), nn.Linear(64, 64), nn.SiLU(),
                         nn.Linear(64, 2))
"""

DENOISER_RIGHT = {
    "the whole data set in every step": DENOISER_HEAD + """
def train_denoiser(data, seed):
    torch.manual_seed(seed)
    model = make_denoiser()
    opt = torch.optim.Adam(model.parameters(), lr=5e-3)
    for _ in range(900):
        t = torch.randint(0, STEPS, (len(data),))
        noise = torch.randn_like(data)
        ab = ALPHA_BAR[t].unsqueeze(1)
        x_t = ab.sqrt() * data + (1 - ab).sqrt() * noise
        loss = F.mse_loss(model(torch.cat([x_t, t[:, None] / STEPS], 1)), noise)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return model.state_dict()
""",
    "AdamW, batches of 512, a hand-written mean squared error": DENOISER_HEAD + """
def train_denoiser(data, seed):
    torch.manual_seed(seed)
    model = make_denoiser()
    opt = torch.optim.AdamW(model.parameters(), lr=4e-3)
    for _ in range(1000):
        x0 = data[torch.randint(len(data), (512,))]
        t = torch.randint(STEPS, (512, 1))
        eps = torch.randn(512, 2)
        ab = ALPHA_BAR.gather(0, t.flatten()).view(-1, 1)
        guess = model(torch.hstack([ab ** 0.5 * x0 + (1 - ab) ** 0.5 * eps, t / STEPS]))
        loss = ((guess - eps) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    return model.state_dict()
""",
    "a step-decayed learning rate": DENOISER_HEAD + """
def train_denoiser(data, seed):
    torch.manual_seed(seed)
    model = make_denoiser()
    opt = torch.optim.Adam(model.parameters(), lr=6e-3)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=500, gamma=0.5)
    for _ in range(1000):
        idx = torch.randperm(len(data))[:256]
        x0, t = data[idx], torch.randint(0, STEPS, (256,))
        noise = torch.randn(x0.shape)
        ab = ALPHA_BAR[t][:, None]
        features = torch.cat([ab.sqrt() * x0 + (1 - ab).sqrt() * noise,
                              (t.float() / STEPS).unsqueeze(-1)], dim=-1)
        loss = F.mse_loss(model(features), noise)
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
    return model.state_dict()
""",
}

DENOISER_TRAIN = """
def train_denoiser(data, seed):
    torch.manual_seed(seed)
    model = make_denoiser()
    opt = torch.optim.Adam(model.parameters(), lr=5e-3)
    for _ in range({steps}):
        x0, t = data[torch.randint(0, len(data), (256,))], torch.randint(0, STEPS, (256,))
        noise = torch.randn_like(x0)
        ab = ALPHA_BAR[t][:, None]
        x_t = ab.sqrt() * x0 + (1 - ab).sqrt() * noise
        guess = model(torch.cat([x_t, (t.float() / STEPS)[:, None]], dim=1))
        loss = F.mse_loss(guess, {target})
        opt.zero_grad()
        loss.backward()
        opt.step()
    return {result}
"""

DENOISER_WRONG = {
    "the model returned, not its state_dict": (
        DENOISER_HEAD + DENOISER_TRAIN.format(steps=3, target="noise", result="model"),
        Status.RUNTIME_ERROR, None, "train_denoiser must return model.state_dict()"),
    "a wider network than make_denoiser": (
        DENOISER_HEAD.replace("nn.Linear(3, 64), nn.SiLU(), nn.Linear(64, 64)",
                              "nn.Linear(3, 128), nn.SiLU(), nn.Linear(128, 64)")
        + DENOISER_TRAIN.format(steps=3, target="noise", result="model.state_dict()"),
        Status.WRONG_ANSWER, "type", "does not fit make_denoiser()"),
    "the timestep left out of the input": (
        DENOISER_HEAD.replace("nn.Linear(3, 64)", "nn.Linear(2, 64)") + DENOISER_TRAIN.format(
            steps=3, target="noise", result="model.state_dict()").replace(
            "torch.cat([x_t, (t.float() / STEPS)[:, None]], dim=1)", "x_t"),
        Status.WRONG_ANSWER, "type", "does not fit make_denoiser()"),
    "twenty steps of training": (
        DENOISER_HEAD + DENOISER_TRAIN.format(steps=20, target="noise",
                                              result="model.state_dict()"),
        Status.WRONG_ANSWER, "values", "of a cluster's centre"),
    "the noisy point itself as the target": (
        DENOISER_HEAD + DENOISER_TRAIN.format(steps=300, target="x_t",
                                              result="model.state_dict()"),
        Status.WRONG_ANSWER, "values", "of a cluster's centre"),
}


@pytest.mark.parametrize("name", list(DENOISER_RIGHT))
def test_denoiser_other_training_runs_pass(judge: Judge, name: str) -> None:
    result = verify(judge, "finale.denoiser", DENOISER_RIGHT[name])
    assert result.status is Status.PASS, f"{name}: {result.status.value}: {result.message}"
    (figure,) = result.figures
    assert figure.kind == "scatter" and set(figure.groups) == {"data", "samples"}
    assert len(figure.groups["samples"]) == 1000


@pytest.mark.parametrize("name", list(DENOISER_WRONG))
def test_denoiser_mistakes(judge: Judge, name: str) -> None:
    source, status, mismatch, says = DENOISER_WRONG[name]
    check(judge, "finale.denoiser", source, status, mismatch, says)


# -- finale.last_leak -----------------------------------------------------------------------------

LEAK_RIGHT = {
    "a block of training images at a time": """
        import torch
        import torch.nn.functional as F

        def fp(images):
            f = F.adaptive_avg_pool2d(images, 8).flatten(1)
            f = f - f.mean(1, keepdim=True)
            return f / f.norm(dim=1, keepdim=True)

        def find_near_duplicates(train, test):
            q = fp(test)
            best = torch.full((len(test),), -1.0)
            for start in range(0, len(train), 200):
                keys = fp(train[start:start + 200])
                mirror = fp(train[start:start + 200].flip(-1))
                best = torch.maximum(best, (q @ keys.T).amax(1))
                best = torch.maximum(best, (q @ mirror.T).amax(1))
            return torch.nonzero(best >= 0.9).flatten()
    """,
    "distances between unit vectors": """
        import torch
        import torch.nn.functional as F

        def find_near_duplicates(train, test):
            def unit(x):
                f = F.avg_pool2d(x, 4).flatten(1)
                return F.normalize(f - f.mean(-1, keepdim=True), dim=-1)
            keys = unit(train)
            mirrored = F.normalize(keys.unflatten(1, (3, 8, 8)).flip(-1).flatten(1), dim=-1)
            q = unit(test)
            dist = torch.minimum(torch.cdist(q, keys).amin(1), torch.cdist(q, mirrored).amin(1))
            # |a - b|² = 2 - 2 cos for unit vectors: cos >= 0.9 is |a - b| <= sqrt(0.2)
            return (dist <= 0.2 ** 0.5).nonzero().squeeze(1)
    """,
    "einsum over thumbnails": """
        import torch
        import torch.nn.functional as F

        def find_near_duplicates(train, test):
            def thumbs(x):
                t = F.avg_pool2d(x, 4)
                t = t - t.mean(dim=(1, 2, 3), keepdim=True)
                return t / t.flatten(1).norm(dim=1)[:, None, None, None]
            k, q = thumbs(train), thumbs(test)
            sim = torch.einsum("mchw,nchw->mn", q, k)
            sim_mirror = torch.einsum("mchw,nchw->mn", q, k.flip(-1))
            best = torch.stack([sim.max(1).values, sim_mirror.max(1).values]).max(0).values
            return torch.arange(len(test))[best >= 0.9]
    """,
}

LEAK_BASE = """
    import torch
    import torch.nn.functional as F

    def fp(images):
        f = F.adaptive_avg_pool2d(images, 8).flatten(1)
        f = f - f.mean(1, keepdim=True)
        return {normalised}

    def find_near_duplicates(train, test):
        keys = fp(train)
        mirrored = keys.view(-1, 3, 8, 8).flip(-1).flatten(1)
        q = fp(test)
        best = torch.maximum((q @ keys.T).amax(1), (q @ mirrored.T).amax(1))
        return {result}
"""

LEAK_WRONG = {
    "a threshold of 0.5": (
        LEAK_BASE.format(normalised="f / f.norm(dim=1, keepdim=True)",
                         result="(best >= 0.5).nonzero().flatten()"),
        Status.WRONG_ANSWER, "values", "flagged"),
    "a Python list of indices": (
        LEAK_BASE.format(normalised="f / f.norm(dim=1, keepdim=True)",
                         result="(best >= 0.9).nonzero().flatten().tolist()"),
        Status.WRONG_ANSWER, "type", "return a tensor of indices, not a list"),
    "int32 indices": (
        LEAK_BASE.format(normalised="f / f.norm(dim=1, keepdim=True)",
                         result="(best >= 0.9).nonzero().flatten().int()"),
        Status.WRONG_ANSWER, "dtype", "indices are int64"),
    "centred but never normalised": (
        LEAK_BASE.format(normalised="f", result="(best >= 0.9).nonzero().flatten()"),
        Status.WRONG_ANSWER, "values", "flagged"),
    "every test image against a fresh flip of the whole set": (
        LEAK_BASE.format(normalised="f / f.norm(dim=1, keepdim=True)",
                         result="(best >= 0.9).nonzero().flatten()").replace(
            "mirrored = keys.view(-1, 3, 8, 8).flip(-1).flatten(1)",
            "mirrored = fp(train.flip(-1))"),
        Status.WRONG_ANSWER, "budget", "the budget is 6 MiB"),
}


@pytest.mark.parametrize("name", list(LEAK_RIGHT))
def test_last_leak_other_answers_pass(judge: Judge, name: str) -> None:
    result = verify(judge, "finale.last_leak", LEAK_RIGHT[name])
    assert result.status is Status.PASS, f"{name}: {result.status.value}: {result.message}"


@pytest.mark.parametrize("name", list(LEAK_WRONG))
def test_last_leak_mistakes(judge: Judge, name: str) -> None:
    source, status, mismatch, says = LEAK_WRONG[name]
    check(judge, "finale.last_leak", source, status, mismatch, says)


# -- finale.ddp_step ------------------------------------------------------------------------------
# Two real processes and a gloo group on the run's own loopback: the puzzle declares both.

DDP_RIGHT = {
    "one flat buffer, one all_reduce": """
        import torch
        import torch.distributed as dist

        def ddp_step(model, optimizer, x, y, loss_fn):
            optimizer.zero_grad()
            loss_fn(model(x), y).backward()
            grads = [p.grad for p in model.parameters()]
            flat = torch.cat([g.reshape(-1) for g in grads])
            dist.all_reduce(flat)
            flat /= dist.get_world_size()
            for g, part in zip(grads, flat.split([g.numel() for g in grads])):
                g.copy_(part.view_as(g))
            optimizer.step()
    """,
    "the loss divided by the world size": """
        import torch.distributed as dist

        def ddp_step(model, optimizer, x, y, loss_fn):
            optimizer.zero_grad()
            (loss_fn(model(x), y) / dist.get_world_size()).backward()
            for p in model.parameters():
                dist.all_reduce(p.grad, op=dist.ReduceOp.SUM)
            optimizer.step()
    """,
    "all_gather and a mean": """
        import torch
        import torch.distributed as dist

        def ddp_step(model, optimizer, x, y, loss_fn):
            optimizer.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            for p in model.parameters():
                parts = [torch.empty_like(p.grad) for _ in range(dist.get_world_size())]
                dist.all_gather(parts, p.grad)
                p.grad = torch.stack(parts).mean(0)
            optimizer.step()
    """,
}

DDP_BASE = """
    import torch.distributed as dist

    def ddp_step(model, optimizer, x, y, loss_fn):
        {body}
"""

DDP_WRONG = {
    "rank 0's gradient broadcast to everyone": (
        """
        import torch.distributed as dist

        def ddp_step(model, optimizer, x, y, loss_fn):
            optimizer.zero_grad()
            loss_fn(model(x), y).backward()
            for p in model.parameters():
                dist.broadcast(p.grad, src=0)
            optimizer.step()
        """, Status.WRONG_ANSWER, "values", "values differ"),
    "all_reduce before backward": (
        """
        import torch.distributed as dist

        def ddp_step(model, optimizer, x, y, loss_fn):
            optimizer.zero_grad()
            for p in model.parameters():
                dist.all_reduce(p.grad)
            loss_fn(model(x), y).backward()
            optimizer.step()
        """, Status.RUNTIME_ERROR, None, "got <class 'NoneType'>"),
    "the step taken before the gradients are shared": (
        """
        import torch.distributed as dist

        def ddp_step(model, optimizer, x, y, loss_fn):
            optimizer.zero_grad()
            loss_fn(model(x), y).backward()
            optimizer.step()
            for p in model.parameters():
                dist.all_reduce(p.grad)
                p.grad /= dist.get_world_size()
        """, Status.WRONG_ANSWER, "values", "values differ"),
    "zero_grad after backward": (
        """
        import torch.distributed as dist

        def ddp_step(model, optimizer, x, y, loss_fn):
            loss_fn(model(x), y).backward()
            optimizer.zero_grad()
            for p in model.parameters():
                if p.grad is not None:
                    dist.all_reduce(p.grad)
                    p.grad /= dist.get_world_size()
            optimizer.step()
        """, Status.WRONG_ANSWER, "values", "values differ"),
    "only the loss all-reduced": (
        """
        import torch.distributed as dist

        def ddp_step(model, optimizer, x, y, loss_fn):
            optimizer.zero_grad()
            loss = loss_fn(model(x), y)
            shared = loss.detach().clone()
            dist.all_reduce(shared)
            loss.backward()
            optimizer.step()
        """, Status.WRONG_ANSWER, "values", "values differ"),
}


@pytest.fixture(scope="module")
def open_judge() -> Iterator[Judge]:
    # Its own judge: two processes and a gloo group on the run's private loopback.
    with Judge(load_catalog()) as j:
        yield j


@pytest.mark.parametrize("name", list(DDP_RIGHT))
def test_ddp_other_answers_pass(open_judge: Judge, name: str) -> None:
    result = verify(open_judge, "finale.ddp_step", DDP_RIGHT[name])
    assert result.status is Status.PASS, f"{name}: {result.status.value}: {result.message}"


@pytest.mark.parametrize("name", list(DDP_WRONG))
def test_ddp_mistakes(open_judge: Judge, name: str) -> None:
    source, status, mismatch, says = DDP_WRONG[name]
    check(open_judge, "finale.ddp_step", source, status, mismatch, says)


def test_ddp_in_the_confined_sandbox(judge: Judge) -> None:
    solution = (REPO / "puzzles" / "finale" / "ddp_step" / "solution.py").read_text()
    result = verify(judge, "finale.ddp_step", solution)
    assert result.status is Status.PASS, result.message
