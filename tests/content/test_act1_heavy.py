"""Act I's heavy puzzles through the real judge: act1.find_leaks, act1.forgetting and
act1.fix_pipeline. Correct answers written differently from the Professor's must pass; plausible
wrong ones must get the verdict (and the mismatch kind) that names their mistake."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from pathlib import Path
from textwrap import dedent

import pytest
import torch

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:  # the package is not installed in every environment
    sys.path.insert(0, str(REPO_ROOT))

from game.core.content import load_catalog  # noqa: E402
from game.core.result import Result, Status  # noqa: E402
from game.engine.judge import Judge  # noqa: E402

SEED = 20251123


@pytest.fixture(scope="module")
def judge() -> Iterator[Judge]:
    with Judge(load_catalog()) as j:
        yield j


def verify(judge: Judge, puzzle: str, source: str) -> Result:
    return judge.verify(puzzle, dedent(source), seed=SEED)


def kinds(result: Result) -> set[str]:
    return {t.mismatch for t in result.tests if t.mismatch}


# -- act1.find_leaks ---------------------------------------------------------------------------

LEAKS_OK = {
    "bytes of each image in a set": """
        import torch


        def find_leaks(train, test):
            seen = {img.numpy().tobytes() for img in torch.cat([train, train.flip(-1)])}
            hits = [m for m, img in enumerate(test) if img.numpy().tobytes() in seen]
            return torch.tensor(hits, dtype=torch.long)
        """,
    "sum as a fingerprint, then torch.equal": """
        import torch


        def find_leaks(train, test):
            both = torch.cat([train, train.flip(-1)]).flatten(1)
            q = test.flatten(1)
            s, sq = both.double().sum(1), q.double().sum(1)
            out = torch.zeros(len(q), dtype=torch.bool)
            for m in range(len(q)):
                for c in (s == sq[m]).nonzero().flatten():
                    if torch.equal(q[m], both[c]):
                        out[m] = True
                        break
            return out.nonzero().squeeze(1)
        """,
    "unique rows of floats, then isin": """
        import torch


        def find_leaks(train, test):
            keys = torch.cat([train, train.flip(-1)]).flatten(1)
            q = test.flatten(1)
            _, inv = torch.unique(torch.cat([keys, q]), dim=0, return_inverse=True)
            return torch.arange(len(q))[torch.isin(inv[len(keys):], inv[:len(keys)])]
        """,
    "random projection with a tolerance window, then exact checks": """
        import torch


        def find_leaks(train, test):
            both = torch.cat([train, train.flip(-1)]).flatten(1)
            q = test.flatten(1)
            r = torch.randn(both.shape[1], dtype=torch.float64,
                            generator=torch.Generator().manual_seed(0))
            sk, order = torch.sort(both.double() @ r)
            hq = q.double() @ r
            lo, hi = torch.searchsorted(sk, hq - 1e-6), torch.searchsorted(sk, hq + 1e-6)
            out = []
            for m in range(len(q)):
                if any(torch.equal(both[order[p]], q[m]) for p in range(int(lo[m]), int(hi[m]))):
                    out.append(m)
            return torch.tensor(out, dtype=torch.int64)
        """,
    "mirror the test images instead": """
        import torch


        def find_leaks(train, test):
            keys = {tuple(r.tolist()) for r in train.flatten(1)}
            a = torch.tensor([tuple(r.tolist()) in keys for r in test.flatten(1)])
            b = torch.tensor([tuple(r.tolist()) in keys for r in test.flip(-1).flatten(1)])
            return torch.where(a | b)[0]
        """,
}

LEAKS_WRONG = {
    "a plain sum as the fingerprint": ("values", """
        import torch


        def find_leaks(train, test):
            s = torch.cat([train, train.flip(-1)]).flatten(1).double().sum(1)
            return torch.isin(test.flatten(1).double().sum(1), s).nonzero().flatten()
        """),
    "rounding to 8-bit pixels before hashing": ("values", """
        import torch


        def key(t):
            return tuple((t * 255).round().long().flatten().tolist())


        def find_leaks(train, test):
            seen = {key(img) for img in torch.cat([train, train.flip(-1)])}
            return torch.tensor([m for m, img in enumerate(test) if key(img) in seen],
                                dtype=torch.int64)
        """),
    "mirroring both spatial dimensions": ("values", """
        import torch


        def find_leaks(train, test):
            seen = {tuple(i.flatten().tolist()) for i in torch.cat([train, train.flip(-1, -2)])}
            hits = [m for m, img in enumerate(test) if tuple(img.flatten().tolist()) in seen]
            return torch.tensor(hits, dtype=torch.int64)
        """),
    "a float32 distance threshold": ("values", """
        import torch


        def find_leaks(train, test):
            both = torch.cat([train, train.flip(-1)]).flatten(1)
            d = torch.cdist(test.flatten(1), both)
            return (d.min(1).values < 1e-2).nonzero().flatten()
        """),
    "a boolean mask instead of indices": ("dtype", """
        import torch


        def find_leaks(train, test):
            seen = {tuple(i.flatten().tolist()) for i in torch.cat([train, train.flip(-1)])}
            return torch.tensor([tuple(i.flatten().tolist()) in seen for i in test])
        """),
}


def test_find_leaks_full_size_is_fast(judge: Judge) -> None:
    puzzle = judge.catalog.puzzle("act1.find_leaks")
    check = judge.check_for(puzzle)
    cases = list(check.cases(torch.Generator().manual_seed(SEED)))
    full = next(c for c in cases if c.name.startswith("full size"))
    train, test = full.args
    assert train.shape == (2000, 3, 16, 16) and test.shape == (2000, 3, 16, 16)
    start = time.perf_counter()
    leaks = check.reference(train, test)
    assert time.perf_counter() - start < 2.0
    assert leaks.dtype == torch.int64 and len(leaks) == 60
    result = judge.verify("act1.find_leaks", puzzle.solution, seed=SEED)
    assert result.status is Status.PASS, result.message
    assert all(t.status == "pass" for t in result.tests if t.name == full.name)


# -- act1.forgetting ---------------------------------------------------------------------------

MLP = """
import torch
import torch.nn.functional as F
from torch import nn


def make_model():
    return nn.Sequential(nn.Linear(2, 32), nn.LeakyReLU(), nn.Linear(32, 32), nn.LeakyReLU(),
                         nn.Linear(32, 4))
"""

def replay(before: str = "", load: str = "net.load_state_dict(state)",
           answer: str = "net(x_eval).argmax(1)") -> str:
    """Monday's network trained on B with the pocket concatenated to every batch."""
    return MLP + f"""

def learn_task_b(state, memory_x, memory_y, xb, yb, x_eval, seed):
    torch.manual_seed(seed)
{before}    net = make_model()
    {load}
    opt = torch.optim.Adam(net.parameters(), lr=0.01)
    x, y = torch.cat([xb, memory_x]), torch.cat([yb, memory_y])
    for _ in range(200):
        opt.zero_grad()
        F.cross_entropy(net(x), y).backward()
        opt.step()
    with torch.no_grad():
        return {answer}
"""


FORGET_OK = {
    "pocket concatenated to B's batch": replay(),
    "SGD minibatches, half-replayed batches": MLP + """

def learn_task_b(state, memory_x, memory_y, xb, yb, x_eval, seed):
    torch.manual_seed(seed)
    model = make_model()
    model.load_state_dict(state)
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    for _ in range(15):
        for b in torch.randperm(len(xb)).split(32):
            r = torch.randint(0, len(memory_x), (16,))
            opt.zero_grad()
            x, y = torch.cat([xb[b], memory_x[r]]), torch.cat([yb[b], memory_y[r]])
            F.cross_entropy(model(x), y).backward()
            opt.step()
    with torch.no_grad():
        return model(x_eval).argmax(dim=-1)
""",
    "alternating B steps and memory steps": MLP + """

def learn_task_b(state, memory_x, memory_y, xb, yb, x_eval, seed):
    torch.manual_seed(seed)
    net = make_model()
    net.load_state_dict(state)
    loss_fn = nn.CrossEntropyLoss()
    opt = torch.optim.AdamW(net.parameters(), lr=5e-3)
    for step in range(300):
        x, y = (xb, yb) if step % 2 == 0 else (memory_x, memory_y)
        opt.zero_grad()
        loss_fn(net(x), y).backward()
        opt.step()
    with torch.no_grad():
        return torch.argmax(net(x_eval), dim=1)
""",
    "Monday's network kept as an expert, a new expert and a gate": MLP + """

def fit(model, x, y, w=None):
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    for _ in range(150):
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y, reduction="none")
        (loss if w is None else loss * w).mean().backward()
        opt.step()


def learn_task_b(state, memory_x, memory_y, xb, yb, x_eval, seed):
    torch.manual_seed(seed)
    monday = make_model()
    monday.load_state_dict(state)  # left alone: it still knows task A
    expert_b, gate = (nn.Sequential(nn.Linear(2, 32), nn.ReLU(), nn.Linear(32, 2))
                      for _ in range(2))
    fit(expert_b, xb, yb - 2)
    task = torch.cat([torch.zeros(len(memory_x)), torch.ones(len(xb))]).long()
    weight = torch.cat([torch.full((len(memory_x),), len(xb) / len(memory_x)),
                        torch.ones(len(xb))])
    fit(gate, torch.cat([memory_x, xb]), task, weight)
    with torch.no_grad():
        is_b = gate(x_eval).argmax(1) == 1
        return torch.where(is_b, expert_b(x_eval).argmax(1) + 2, monday(x_eval)[:, :2].argmax(1))
""",
}

FORGET_WRONG = {
    "labels for xb instead of x_eval": ("values", replay(answer="net(xb).argmax(1)")),
    "Monday's network thrown away and the pocket ignored": ("values", MLP + """

def learn_task_b(state, memory_x, memory_y, xb, yb, x_eval, seed):
    torch.manual_seed(seed)
    net = make_model()  # state never loaded
    opt = torch.optim.Adam(net.parameters(), lr=0.01)
    for _ in range(200):
        opt.zero_grad()
        F.cross_entropy(net(xb), yb).backward()
        opt.step()
    with torch.no_grad():
        return net(x_eval).argmax(1)
"""),
    "shuffling the caller's pocket in place": ("mutated", replay(
        before="    perm = torch.randperm(len(memory_x))\n    memory_x[:] = memory_x[perm]\n"
               "    memory_y[:] = memory_y[perm]\n")),
    "training Monday's weights in place (assign=True)": ("mutated", replay(
        load="net.load_state_dict(state, assign=True)")),
}


def test_forgetting_only_the_pocket_of_task_a_reaches_the_player(judge: Judge) -> None:
    """Joint training on A and B is impossible, not forbidden: twenty samples of task A enter
    the player's process, and no held-out label does."""
    check = judge.check_for(judge.catalog.puzzle("act1.forgetting"))
    for case in check.cases(torch.Generator().manual_seed(SEED)):
        state, memory_x, memory_y, xb, yb, x_eval, seed = case.args
        assert set(state) == {"0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"}
        assert memory_x.shape == (20, 2) and sorted(memory_y.tolist()) == [0] * 10 + [1] * 10
        assert set(yb.tolist()) == {2, 3} and xb.shape == (200, 2)
        assert x_eval.shape == (200, 2) and isinstance(seed, int)
        assert len(case.data["labels"]) == len(x_eval)
        tensors = [memory_x, memory_y, xb, yb, x_eval, *state.values()]
        assert sum(t.numel() for t in tensors if t.dtype == torch.int64) == 20 + 200


def test_forgetting_mondays_network_knows_task_a(judge: Judge) -> None:
    import importlib.util

    check = judge.check_for(judge.catalog.puzzle("act1.forgetting"))
    path = judge.catalog.puzzle("act1.forgetting").file("check.py")
    spec = importlib.util.spec_from_file_location("forgetting_check", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for case in check.cases(torch.Generator().manual_seed(SEED)):
        model = module.make_model()
        model.load_state_dict(case.args[0])
        labels = case.data["labels"]
        with torch.no_grad():
            got = model(case.args[5]).argmax(1)
        on_a = labels < 2
        assert (got[on_a] == labels[on_a]).float().mean() > 0.9


# -- act1.fix_pipeline -------------------------------------------------------------------------

PIPELINE_OK = {
    "a coin per image in a Python loop": """
        import torch


        def build_training_set(images, labels, is_test, seed):
            g = torch.Generator()
            g.manual_seed(seed)
            xs, ys = [], []
            for img, y, t in zip(images, labels, is_test.tolist()):
                if t:
                    continue
                coin = torch.rand(1, generator=g).item() < 0.5
                xs += [img, img.flip(-1) if coin else img.clone()]
                ys += [y, y]
            if not xs:
                return images[:0].clone(), labels[:0].clone()
            return torch.stack(xs), torch.stack(ys)
        """,
    "global seed, Bernoulli coins, interleaved": """
        import torch


        def build_training_set(images, labels, is_test, seed):
            torch.manual_seed(seed)
            keep = is_test.logical_not()
            x, y = images[keep], labels[keep]
            coin = torch.bernoulli(torch.full((len(x),), 0.5)).bool()
            mirrored = x[..., torch.arange(x.shape[-1] - 1, -1, -1)]
            aug = torch.where(coin.view(-1, 1, 1, 1), mirrored, x)
            return torch.stack([x, aug], 1).flatten(0, 1), y.repeat_interleave(2)
        """,
    "index_select, masked flip, shuffled together": """
        import torch


        def build_training_set(images, labels, is_test, seed):
            g = torch.Generator().manual_seed(seed)
            idx = torch.nonzero(~is_test).squeeze(1)
            x, y = images.index_select(0, idx), labels.index_select(0, idx)
            coin = torch.randint(0, 2, (len(idx),), generator=g).bool()
            aug = x.clone()
            aug[coin] = aug[coin].flip(3)
            out_x, out_y = torch.cat([x, aug]), torch.cat([y, y])
            perm = torch.randperm(len(out_x), generator=g)
            return out_x[perm], out_y[perm]
        """,
    "exactly half mirrored, chosen by randperm": """
        import torch


        def build_training_set(images, labels, is_test, seed):
            g = torch.Generator().manual_seed(seed)
            x, y = images[~is_test], labels[~is_test]
            chosen = torch.randperm(len(x), generator=g)[: len(x) // 2]
            aug = x.clone()
            aug[chosen] = x[chosen].flip(-1)
            return torch.cat([x, aug]), torch.cat([y, y])
        """,
}

PIPELINE_WRONG = {
    "a coin for the originals too": ("values", """
        import torch


        def build_training_set(images, labels, is_test, seed):
            g = torch.Generator().manual_seed(seed)
            x, y = images[~is_test], labels[~is_test]
            both_x, both_y = torch.cat([x, x]), torch.cat([y, y])
            flip = torch.rand(len(both_x), generator=g) < 0.5
            return torch.where(flip[:, None, None, None], both_x.flip(-1), both_x), both_y
        """),
    "only the augmented copies": ("shape", """
        import torch


        def build_training_set(images, labels, is_test, seed):
            g = torch.Generator().manual_seed(seed)
            x, y = images[~is_test], labels[~is_test]
            flip = torch.rand(len(x), generator=g) < 0.5
            return torch.where(flip[:, None, None, None], x.flip(-1), x), y
        """),
    "float labels": ("dtype", """
        import torch


        def build_training_set(images, labels, is_test, seed):
            g = torch.Generator().manual_seed(seed)
            x, y = images[~is_test], labels[~is_test]
            flip = torch.rand(len(x), generator=g) < 0.5
            aug = torch.where(flip[:, None, None, None], x.flip(-1), x)
            return torch.cat([x, aug]), torch.cat([y, y]).float()
        """),
    "blacking out the test images in place": ("mutated", """
        import torch


        def build_training_set(images, labels, is_test, seed):
            g = torch.Generator().manual_seed(seed)
            images[is_test] = 0.0
            x, y = images[~is_test], labels[~is_test]
            flip = torch.rand(len(x), generator=g) < 0.5
            aug = torch.where(flip[:, None, None, None], x.flip(-1), x)
            return torch.cat([x, aug]), torch.cat([y, y])
        """),
    "augmented copies drawn from the flipped pool": ("values", """
        import torch


        def build_training_set(images, labels, is_test, seed):
            g = torch.Generator().manual_seed(seed)
            flip = torch.rand(len(images), generator=g) < 0.5
            aug = torch.where(flip[:, None, None, None], images.flip(-1), images)
            keep = ~is_test
            pick = torch.randperm(len(images), generator=g)[: int(keep.sum())]
            return torch.cat([images[keep], aug[pick]]), torch.cat([labels[keep], labels[pick]])
        """),
}


def test_fix_pipeline_cases_are_clean_splits(judge: Judge) -> None:
    """The data never leaks by itself: only a pipeline can carry a test image into training."""
    check = judge.check_for(judge.catalog.puzzle("act1.fix_pipeline"))
    for case in check.cases(torch.Generator().manual_seed(SEED)):
        images, labels, is_test, seed = case.args
        keys = [img.numpy().tobytes() for img in images]
        mirrors = [img.flip(-1).numpy().tobytes() for img in images]
        assert len(set(keys)) == len(keys)
        for i, mirror in enumerate(mirrors):
            assert mirror == keys[i] or mirror not in set(keys)
        assert images.dtype == torch.float32 and labels.dtype == torch.int64
        assert is_test.dtype == torch.bool and isinstance(seed, int)


# -- other answers nobody showed the verifier, one table per puzzle ----------------------------

RIGHT = {"act1.find_leaks": LEAKS_OK, "act1.forgetting": FORGET_OK,
         "act1.fix_pipeline": PIPELINE_OK}
WRONG = {"act1.find_leaks": LEAKS_WRONG, "act1.forgetting": FORGET_WRONG,
         "act1.fix_pipeline": PIPELINE_WRONG}


@pytest.mark.parametrize(("puzzle", "name"),
                         [(p, n) for p, table in RIGHT.items() for n in sorted(table)])
def test_other_correct_answers_pass(judge: Judge, puzzle: str, name: str) -> None:
    result = verify(judge, puzzle, RIGHT[puzzle][name])
    assert result.status is Status.PASS, result.message


@pytest.mark.parametrize(("puzzle", "name"),
                         [(p, n) for p, table in WRONG.items() for n in sorted(table)])
def test_plausible_mistakes_fail(judge: Judge, puzzle: str, name: str) -> None:
    kind, source = WRONG[puzzle][name]
    result = verify(judge, puzzle, source)
    assert result.status is Status.WRONG_ANSWER, result.message
    assert kind in kinds(result), result.message
