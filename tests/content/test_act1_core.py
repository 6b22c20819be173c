"""Act I core puzzles: other correct solutions pass, plausible wrong ones get the right verdict.

Covers act1.indexing, act1.pairwise_distances, act1.einsum_scores and act1.chain_rule. The
author check already runs each puzzle's own solution, starter and mutants; these are the answers
a learner might write that the puzzle files do not hold.
"""

from __future__ import annotations

import textwrap

import pytest

from game.core.content import load_catalog
from game.core.result import Status
from game.engine.judge import Judge

SEED = 11


@pytest.fixture(scope="module")
def judge():
    with Judge(load_catalog()) as j:
        yield j


def src(body: str) -> str:
    return "import math\n\nimport torch\n\n\n" + textwrap.dedent(body).strip() + "\n"


def verdict(judge: Judge, puzzle: str, source: str, seed: int):
    res = judge.verify(puzzle, source, seed=seed)
    kinds = {t.mismatch for t in res.tests if t.mismatch}
    return res, kinds


def assert_passes(judge: Judge, puzzle: str, source: str) -> None:
    res, _ = verdict(judge, puzzle, source, SEED)
    assert res.status is Status.PASS, f"seed {SEED}: {res.status.value}: {res.message}"


def assert_fails(judge: Judge, puzzle: str, source: str, status: Status,
                 mismatch: str | None = None, says: str | None = None) -> None:
    res, kinds = verdict(judge, puzzle, source, SEED)
    assert res.status is status, f"{res.status.value}: {res.message}"
    if mismatch is not None:
        assert mismatch in kinds, f"mismatch kinds {kinds}: {res.message}"
    if says is not None:
        assert says in res.message, res.message


# -- act1.indexing ---------------------------------------------------------------------------

INDEXING_RIGHT = {
    "unfold then contiguous": """
        def patches(img, k):
            return img.unfold(0, k, k).unfold(1, k, k).contiguous()
    """,
    "advanced indexing copies": """
        def patches(img, k):
            h, w = img.shape[0] // k, img.shape[1] // k
            rows = torch.arange(h)[:, None, None, None] * k + torch.arange(k)[None, None, :, None]
            cols = torch.arange(w)[None, :, None, None] * k + torch.arange(k)[None, None, None, :]
            return img[rows, cols]
    """,
    "split, stack and copy_ into a fresh tensor": """
        def patches(img, k):
            h, w = img.shape[0] // k, img.shape[1] // k
            blocks = torch.stack(img[: h * k, : w * k].split(k, dim=1))
            out = torch.empty(h, w, k, k, dtype=img.dtype)
            out.copy_(blocks.view(w, h, k, k).permute(1, 0, 2, 3))
            return out
    """,
    "transpose and reshape to a flat batch first": """
        def patches(img, k):
            h, w = img.shape[0] // k, img.shape[1] // k
            t = img[: h * k, : w * k].reshape(h, k, w, k).transpose(1, 2)
            return t.contiguous().view(h * w, k * k).view(h, w, k, k)
    """,
}

INDEXING_WRONG = {
    # .clone() keeps the permuted strides: right values, wrong layout.
    "clone instead of contiguous": (
        """
        def patches(img, k):
            h, w = img.shape[0] // k, img.shape[1] // k
            return img[: h * k, : w * k].view(h, k, w, k).permute(0, 2, 1, 3).clone()
        """, Status.WRONG_ANSWER, "layout", ".clone()"),
    # reshape copies only when it must: with one row of patches it hands back a view.
    "reshape happens to return a view": (
        """
        def patches(img, k):
            h, w = img.shape[0] // k, img.shape[1] // k
            t = img[: h * k, : w * k].reshape(h, k, w, k).transpose(1, 2)
            return t.reshape(h * w, k, k).reshape(h, w, k, k)
        """, Status.WRONG_ANSWER, "layout", "contiguous"),
    "patch rows and columns swapped": (
        """
        def patches(img, k):
            h, w = img.shape[0] // k, img.shape[1] // k
            return img[: h * k, : w * k].reshape(h, k, w, k).permute(2, 0, 1, 3).contiguous()
        """, Status.WRONG_ANSWER, "values", None),
    "transposed patches from a half-done reshape": (
        """
        def patches(img, k):
            h, w = img.shape[0] // k, img.shape[1] // k
            t = img[: h * k, : w * k].reshape(h, k, -1).transpose(1, 2)
            return t.reshape(h, w, k, k).contiguous()
        """, Status.WRONG_ANSWER, "values", None),
    "view after permute": (
        """
        def patches(img, k):
            h, w = img.shape[0] // k, img.shape[1] // k
            p = img[: h * k, : w * k].view(h, k, w, k).permute(0, 2, 1, 3)
            return p.view(h * w, k * k).view(h, w, k, k)
        """, Status.RUNTIME_ERROR, None, "view size is not compatible"),
    "patches normalised in place through a view": (
        """
        def patches(img, k):
            h, w = img.shape[0] // k, img.shape[1] // k
            p = img[: h * k, : w * k].view(h, k, w, k).permute(0, 2, 1, 3)
            out = p.contiguous()
            p.zero_()
            return out
        """, Status.WRONG_ANSWER, "mutated", "changed its input"),
}


@pytest.mark.parametrize("name", list(INDEXING_RIGHT))
def test_indexing_other_solutions_pass(judge, name):
    assert_passes(judge, "act1.indexing", src(INDEXING_RIGHT[name]))


@pytest.mark.parametrize("name", list(INDEXING_WRONG))
def test_indexing_wrong_answers(judge, name):
    body, status, mismatch, says = INDEXING_WRONG[name]
    assert_fails(judge, "act1.indexing", src(body), status, mismatch, says)


# -- act1.pairwise_distances -----------------------------------------------------------------

PAIRWISE_RIGHT = {
    "expansion, clamped": """
        def pairwise_sq_dists(a, b):
            sq = a.pow(2).sum(1, keepdim=True) - 2 * a @ b.T + b.pow(2).sum(1)
            return sq.clamp(min=0)
    """,
    "addmm expansion": """
        def pairwise_sq_dists(a, b):
            base = (a * a).sum(-1)[:, None] + (b * b).sum(-1)[None, :]
            return torch.addmm(base, a, b.t(), alpha=-2).clamp_min(0.0)
    """,
    "vector_norm squared": """
        def pairwise_sq_dists(a, b):
            return torch.linalg.vector_norm(a.unsqueeze(1) - b.unsqueeze(0), dim=-1) ** 2
    """,
    "einsum of the differences": """
        def pairwise_sq_dists(a, b):
            d = a[:, None] - b[None]
            return torch.einsum("nmd,nmd->nm", d, d)
    """,
}

PAIRWISE_LOOPS = {
    "list comprehension": """
        def pairwise_sq_dists(a, b):
            return torch.stack([((x - b) ** 2).sum(-1) for x in a])
    """,
    "generator inside cat": """
        def pairwise_sq_dists(a, b):
            return torch.cat(tuple(((x - b) ** 2).sum(-1)[None] for x in a))
    """,
    "map with a lambda": """
        def pairwise_sq_dists(a, b):
            return torch.stack(list(map(lambda x: ((x - b) ** 2).sum(-1), a)))
    """,
    "recursion": """
        def pairwise_sq_dists(a, b):
            if a.shape[0] == 0:
                return torch.zeros(0, b.shape[0])
            first = ((a[0] - b) ** 2).sum(-1)[None]
            return torch.cat([first, pairwise_sq_dists(a[1:], b)])
    """,
    "mutual recursion": """
        def rows(a, b):
            if a.shape[0] == 0:
                return torch.zeros(0, b.shape[0])
            return torch.cat([((a[:1] - b) ** 2).sum(-1), helper(a[1:], b)])


        def helper(a, b):
            return rows(a, b)


        def pairwise_sq_dists(a, b):
            return rows(a, b)
    """,
    "while loop": """
        def pairwise_sq_dists(a, b):
            out = torch.empty(a.shape[0], b.shape[0])
            i = 0
            while i < a.shape[0]:
                out[i] = ((a[i] - b) ** 2).sum(-1)
                i += 1
            return out
    """,
    "recursion through a renamed self, seen only at run time": """
        class Rows:
            def go(me, a, b):
                if a.shape[0] == 0:
                    return torch.zeros(0, b.shape[0])
                return torch.cat([((a[:1] - b) ** 2).sum(-1), me.go(a[1:], b)])


        def pairwise_sq_dists(a, b):
            return Rows().go(a, b)
    """,
    "recursion through a function passed to itself": """
        def step(a, b, again):
            if a.shape[0] == 0:
                return torch.zeros(0, b.shape[0])
            return torch.cat([((a[:1] - b) ** 2).sum(-1), again(a[1:], b, again)])


        def pairwise_sq_dists(a, b):
            return step(a, b, step)
    """,
    "recursion swallowed by the player's own except": """
        def step(a, b, again):
            if a.shape[0] == 0:
                return torch.zeros(0, b.shape[0])
            try:
                rest = again(a[1:], b, again)
            except BaseException:
                rest = ((a[1:, None] - b[None]) ** 2).sum(-1)
            return torch.cat([((a[:1] - b) ** 2).sum(-1), rest])


        def pairwise_sq_dists(a, b):
            return step(a, b, step)
    """,
    "cdist under another name": """
        from torch import cdist as distance


        def pairwise_sq_dists(a, b):
            return distance(a, b) ** 2
    """,
}

PAIRWISE_WRONG = {
    "plain dot products": ("""
        def pairwise_sq_dists(a, b):
            return a @ b.T
    """, "values"),
    "mean instead of sum": ("""
        def pairwise_sq_dists(a, b):
            return ((a[:, None, :] - b[None, :, :]) ** 2).mean(-1)
    """, "values"),
    "float64 answer": ("""
        def pairwise_sq_dists(a, b):
            a, b = a.double(), b.double()
            return ((a[:, None, :] - b[None, :, :]) ** 2).sum(-1)
    """, "dtype"),
    "a against itself": ("""
        def pairwise_sq_dists(a, b):
            return ((a[:, None, :] - a[None, :, :]) ** 2).sum(-1)
    """, "shape"),
}


@pytest.mark.parametrize("name", list(PAIRWISE_RIGHT))
def test_pairwise_other_solutions_pass(judge, name):
    assert_passes(judge, "act1.pairwise_distances", src(PAIRWISE_RIGHT[name]))


@pytest.mark.parametrize("name", list(PAIRWISE_LOOPS))
def test_pairwise_hidden_loops_are_refused(judge, name):
    assert_fails(judge, "act1.pairwise_distances", src(PAIRWISE_LOOPS[name]),
                 Status.CONSTRAINT_VIOLATION)


@pytest.mark.parametrize("name", list(PAIRWISE_WRONG))
def test_pairwise_wrong_answers(judge, name):
    body, mismatch = PAIRWISE_WRONG[name]
    assert_fails(judge, "act1.pairwise_distances", src(body), Status.WRONG_ANSWER, mismatch)


def test_pairwise_negative_distances_are_explained(judge):
    body = """
        def pairwise_sq_dists(a, b):
            return (a * a).sum(-1)[:, None] - 2 * a @ b.T + (b * b).sum(-1)[None, :]
    """
    assert_fails(judge, "act1.pairwise_distances", src(body), Status.WRONG_ANSWER, "values",
                 "clamp")


# -- act1.einsum_scores ----------------------------------------------------------------------

EINSUM_RIGHT = {
    "matmul with transpose": """
        def scores(q, k):
            return q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    """,
    "scale the queries first, mT": """
        def scores(q, k):
            return torch.matmul(q / q.shape[-1] ** 0.5, k.mT)
    """,
    "ellipsis einsum": """
        def scores(q, k):
            return torch.einsum("...td,...sd->...ts", q, k) * q.shape[-1] ** -0.5
    """,
    "broadcast product and sum": """
        def scores(q, k):
            prod = q.unsqueeze(-2) * k.unsqueeze(-3)
            return prod.sum(-1) / torch.tensor(q.shape[-1]).sqrt()
    """,
}

EINSUM_WRONG = {
    "divided by D": ("""
        def scores(q, k):
            return torch.einsum("bhtd,bhsd->bhts", q, k) / q.shape[-1]
    """, Status.WRONG_ANSWER, "values"),
    "softmax applied": ("""
        def scores(q, k):
            return torch.einsum("bhtd,bhsd->bhts", q, k).div(math.sqrt(q.shape[-1])).softmax(-1)
    """, Status.WRONG_ANSWER, "values"),
    "always float32": ("""
        def scores(q, k):
            return torch.einsum("bhtd,bhsd->bhts", q.float(), k.float()) / math.sqrt(q.shape[-1])
    """, Status.WRONG_ANSWER, "dtype"),
    "computed without grad": ("""
        def scores(q, k):
            with torch.no_grad():
                return torch.einsum("bhtd,bhsd->bhts", q, k) / math.sqrt(q.shape[-1])
    """, Status.WRONG_ANSWER, "gradient"),
    "k not transposed": ("""
        def scores(q, k):
            return q @ k / math.sqrt(q.shape[-1])
    """, Status.RUNTIME_ERROR, None),
}


@pytest.mark.parametrize("name", list(EINSUM_RIGHT))
def test_einsum_other_solutions_pass(judge, name):
    assert_passes(judge, "act1.einsum_scores", src(EINSUM_RIGHT[name]))


@pytest.mark.parametrize("name", list(EINSUM_WRONG))
def test_einsum_wrong_answers(judge, name):
    body, status, mismatch = EINSUM_WRONG[name]
    assert_fails(judge, "act1.einsum_scores", src(body), status, mismatch)


# -- act1.chain_rule -------------------------------------------------------------------------

CHAIN_RIGHT = {
    "sech squared from cosh": """
        def grad_of_loss(x, w, b, y):
            z = x @ w + b
            return (2 * (torch.tanh(z) - y) / torch.cosh(z) ** 2) @ x / len(y)
    """,
    "addmv and einsum": """
        def grad_of_loss(x, w, b, y):
            a = torch.tanh(torch.addmv(b.expand(x.shape[0]), x, w))
            dz = 2.0 * (a - y) * (1.0 - a.pow(2))
            return torch.einsum("n,nd->d", dz, x) / x.shape[0]
    """,
    "a loop over samples": """
        def grad_of_loss(x, w, b, y):
            dw = torch.zeros_like(w)
            for i in range(x.shape[0]):
                a = torch.tanh(x[i].dot(w) + b)
                dw = dw + 2 * (a - y[i]) * (1 - a * a) * x[i]
            return dw / x.shape[0]
    """,
    "broadcast and mean": """
        def grad_of_loss(x, w, b, y):
            a = torch.tanh(x @ w + b)
            return 2 * (x * ((a - y) * (1 - a ** 2))[:, None]).mean(dim=0)
    """,
}

LOSS = "((torch.tanh(x @ v + b) - y) ** 2).mean()"
CHAIN_AUTOGRAD = {
    "loss.backward() and w.grad": """
        def grad_of_loss(x, w, b, y):
            v = w.detach().clone().requires_grad_(True)
            loss = LOSS
            loss.backward()
            return v.grad
    """,
    "torch.autograd.grad": """
        def grad_of_loss(x, w, b, y):
            v = w.clone().requires_grad_()
            return torch.autograd.grad(LOSS, v)[0]
    """,
    "grad imported under another name": """
        from torch.autograd import grad as g


        def grad_of_loss(x, w, b, y):
            v = w.clone().requires_grad_()
            return g(LOSS, v)[0]
    """,
    "autograd module imported": """
        from torch import autograd as ag


        def grad_of_loss(x, w, b, y):
            v = w.clone().requires_grad_()
            return ag.grad(LOSS, v)[0]
    """,
    "torch.func.grad": """
        def grad_of_loss(x, w, b, y):
            return torch.func.grad(lambda v: LOSS)(w)
    """,
    "torch.func.jacrev": """
        from torch.func import jacrev


        def grad_of_loss(x, w, b, y):
            return jacrev(lambda v: LOSS)(w)
    """,
    "torch.func.vjp": """
        def grad_of_loss(x, w, b, y):
            _, pull = torch.func.vjp(lambda v: LOSS, w)
            return pull(torch.ones((), dtype=w.dtype))[0]
    """,
    "autograd.functional.jacobian": """
        def grad_of_loss(x, w, b, y):
            return torch.autograd.functional.jacobian(lambda v: LOSS, w)
    """,
    "forward-mode duals": """
        import torch.autograd.forward_ad as fw


        def grad_of_loss(x, w, b, y):
            eye = torch.eye(w.shape[0], dtype=w.dtype)
            cols = []
            with fw.dual_level():
                for i in range(w.shape[0]):
                    v = fw.make_dual(w, eye[i])
                    cols.append(fw.unpack_dual(LOSS).tangent)
            return torch.stack(cols)
    """,
    "getattr alias": """
        def grad_of_loss(x, w, b, y):
            v = w.clone().requires_grad_()
            return getattr(torch, "auto" + "grad").grad(LOSS, v)[0]
    """,
}

CHAIN_WRONG = {
    "sign flipped": """
        def grad_of_loss(x, w, b, y):
            a = torch.tanh(x @ w + b)
            return x.T @ (2 * (y - a) * (1 - a * a)) / y.shape[0]
    """,
    "tanh' taken from z instead of a": """
        def grad_of_loss(x, w, b, y):
            z = x @ w + b
            a = torch.tanh(z)
            return x.T @ (2 * (a - y) * (1 - z * z)) / y.shape[0]
    """,
    "mean of the upstream times the column sums": """
        def grad_of_loss(x, w, b, y):
            a = torch.tanh(x @ w + b)
            return (2 * (a - y) * (1 - a * a)).mean() * x.sum(0)
    """,
    "missing the 1/N": """
        def grad_of_loss(x, w, b, y):
            a = torch.tanh(x @ w + b)
            return x.T @ (2 * (a - y) * (1 - a * a))
    """,
}


@pytest.mark.parametrize("name", list(CHAIN_RIGHT))
def test_chain_rule_other_solutions_pass(judge, name):
    assert_passes(judge, "act1.chain_rule", src(CHAIN_RIGHT[name]))


@pytest.mark.parametrize("name", list(CHAIN_AUTOGRAD))
def test_chain_rule_every_autograd_route_is_refused(judge, name):
    body = CHAIN_AUTOGRAD[name].replace("LOSS", LOSS)
    assert_fails(judge, "act1.chain_rule", src(body), Status.CONSTRAINT_VIOLATION)


@pytest.mark.parametrize("name", list(CHAIN_WRONG))
def test_chain_rule_wrong_answers(judge, name):
    assert_fails(judge, "act1.chain_rule", src(CHAIN_WRONG[name]), Status.WRONG_ANSWER,
                 "values")


def test_chain_rule_own_variable_named_grad_is_explained(judge):
    body = """
        def grad_of_loss(x, w, b, y):
            a = torch.tanh(x @ w + b)
            grad = x.T @ (2 * (a - y) * (1 - a * a)) / y.shape[0]
            return grad
    """
    assert_fails(judge, "act1.chain_rule", src(body), Status.CONSTRAINT_VIOLATION,
                 says="like dw")
