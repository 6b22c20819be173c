"""act1.find_leaks (CANON): other correct detectors pass, at full size; plausible slips fail."""

from __future__ import annotations

import pytest

from game.core.result import Status

PUZZLE = "act1.find_leaks"
HEAD = "import torch\n\n\ndef find_leaks(train, test):\n"


@pytest.mark.parametrize("body", [
    # the bytes of each image in a Python set
    "    seen = {t.numpy().tobytes() for t in torch.cat([train, train.flip(-1)])}\n"
    "    hits = [m for m, t in enumerate(test) if t.numpy().tobytes() in seen]\n"
    "    return torch.tensor(hits, dtype=torch.int64)\n",
    # candidates by a cheap fingerprint, then confirmed bit for bit
    "    keys = torch.cat([train, train.flip(-1)]).flatten(1)\n"
    "    q = test.flatten(1)\n"
    "    kb, qb = keys.view(torch.int32).long(), q.view(torch.int32).long()\n"
    "    w = torch.arange(1, kb.shape[1] + 1)\n"
    "    kf, qf = (kb * w).sum(1), (qb * w).sum(1)\n"
    "    out = []\n"
    "    for m in torch.isin(qf, kf).nonzero().flatten().tolist():\n"
    "        if (kb[kf == qf[m]] == qb[m]).all(1).any():\n"
    "            out.append(m)\n"
    "    return torch.tensor(out, dtype=torch.long)\n",
])
def test_other_correct_detectors_pass_at_full_size(judge, body):
    result = judge.verify(PUZZLE, HEAD + body)
    assert result.status is Status.PASS, result.message


@pytest.mark.parametrize(("body", "kind"), [
    # tolerance: near-duplicates reported as leaks
    ("    k = torch.cat([train, train.flip(-1)]).flatten(1)\n"
     "    close = torch.cdist(test.flatten(1), k) < 1e-4\n"
     "    return close.any(1).nonzero().flatten()\n", "values"),
    # forgets the mirror images
    ("    seen = {t.numpy().tobytes() for t in train}\n"
     "    hits = [m for m, t in enumerate(test) if t.numpy().tobytes() in seen]\n"
     "    return torch.tensor(hits, dtype=torch.int64)\n", "values"),
    # a list, not a tensor
    ("    return []\n", "type"),
])
def test_plausible_slips_fail(judge, body, kind):
    result = judge.verify(PUZZLE, HEAD + body)
    assert result.status is Status.WRONG_ANSWER, result.message
    assert any(t.mismatch == kind for t in result.tests)


def test_broadcasting_everything_against_everything_runs_out_of_memory(judge):
    body = ("    k = torch.cat([train, train.flip(-1)]).flatten(1)\n"
            "    eq = (test.flatten(1)[:, None] == k[None]).all(-1)\n"
            "    return eq.any(1).nonzero().flatten()\n")
    result = judge.verify(PUZZLE, HEAD + body)
    assert result.status is Status.MEMORY_LIMIT
    assert "full size" in result.message
