"""act1.fix_pipeline: other correct pipelines pass; other leaks and slips are caught."""

from __future__ import annotations

import pytest

from game.core.result import Status

PUZZLE = "act1.fix_pipeline"
HEAD = ("import torch\n\n\ndef build_training_set(images, labels, is_test, seed):\n"
        "    g = torch.Generator().manual_seed(seed)\n")

FAIR = ("    t, y = images[~is_test], labels[~is_test]\n"
        "    coin = torch.rand(len(t), generator=g) < {p}\n"
        "    aug = torch.where(coin[:, None, None, None], t.flip(-1), t)\n"
        "    return torch.cat([t, aug]), torch.cat([y, y])\n")


@pytest.mark.parametrize("body", [
    # interleaved: each image followed by its augmented copy
    "    t, y = images[~is_test], labels[~is_test]\n"
    "    coin = torch.rand(len(t), generator=g) < 0.5\n"
    "    aug = torch.where(coin[:, None, None, None], t.flip(3), t)\n"
    "    return torch.stack([t, aug], 1).flatten(0, 1), y.repeat_interleave(2)\n",
    # integer coins and index_select
    "    idx = (~is_test).nonzero().squeeze(1)\n"
    "    t = images.index_select(0, idx)\n"
    "    coin = torch.randint(0, 2, (len(t),), generator=g).bool()\n"
    "    aug = t.clone()\n"
    "    aug[coin] = t[coin].flip(-1)\n"
    "    return torch.cat([aug, t]), labels[idx].repeat(2)\n",
])
def test_other_correct_pipelines_pass(judge, body):
    result = judge.verify(PUZZLE, HEAD + body)
    assert result.status is Status.PASS, result.message


@pytest.mark.parametrize("body", [
    # flips from the whole pool, test images included
    "    t, y = images[~is_test], labels[~is_test]\n"
    "    coin = torch.rand(len(images), generator=g) < 0.5\n"
    "    aug = torch.where(coin[:, None, None, None], images.flip(-1), images)\n"
    "    return torch.cat([t, aug[:len(t)]]), torch.cat([y, labels[:len(t)]])\n",
    # forgets the split altogether
    "    coin = torch.rand(len(images), generator=g) < 0.5\n"
    "    aug = torch.where(coin[:, None, None, None], images.flip(-1), images)\n"
    "    return torch.cat([images, aug]), torch.cat([labels, labels])\n",
])
def test_leaks_are_wrong_answers(judge, body):
    result = judge.verify(PUZZLE, HEAD + body)
    assert result.status is Status.WRONG_ANSWER
    assert "test" in result.message


def test_marking_the_inputs_is_caught(judge):
    result = judge.verify(PUZZLE, HEAD + "    labels[is_test] = -1\n" + FAIR.format(p=0.5))
    assert result.status is Status.WRONG_ANSWER
    assert any(t.mismatch == "mutated" for t in result.tests)



@pytest.mark.parametrize("seed", range(12))
def test_a_fair_coin_passes_whatever_the_seed(judge, seed):
    result = judge.verify(PUZZLE, HEAD + FAIR.format(p=0.5), seed=seed)
    assert result.status is Status.PASS, result.message


@pytest.mark.parametrize("p", [0.38, 0.62])
def test_a_biased_coin_is_caught_over_all_the_cases(judge, p):
    result = judge.verify(PUZZLE, HEAD + FAIR.format(p=p))
    assert result.status is Status.WRONG_ANSWER
    assert "fair coin" in result.message or "probability 1/2" in result.message


def test_coins_without_independence_are_caught(judge):
    body = ("    t, y = images[~is_test], labels[~is_test]\n"
            "    first = torch.rand(len(t), generator=g) < 0.5\n"
            "    coin = first.repeat_interleave(2)[:len(t)]  # pairs of neighbours share a coin\n"
            "    aug = torch.where(coin[:, None, None, None], t.flip(-1), t)\n"
            "    return torch.cat([t, aug]), torch.cat([y, y])\n")
    result = judge.verify(PUZZLE, HEAD + body)
    assert result.status is Status.WRONG_ANSWER
    assert "neighbouring" in result.message
