"""act1.fix_pipeline: other correct pipelines pass; other leaks and slips are caught."""

from __future__ import annotations

import pytest

from game.core.result import Status
from game.engine.judge import Judge

PUZZLE = "act1.fix_pipeline"
HEAD = "import torch\n\n\ndef build_training_set(images, labels, is_test):\n"


@pytest.fixture(scope="module")
def judge():
    with Judge() as j:
        yield j


@pytest.mark.parametrize("body", [
    # interleaved: each image followed by its mirror
    "    t, y = images[~is_test], labels[~is_test]\n"
    "    return torch.stack([t, t.flip(3)], 1).flatten(0, 1), y.repeat_interleave(2)\n",
    # index_select and torch.flip with explicit dims
    "    idx = (~is_test).nonzero().squeeze(1)\n"
    "    t = images.index_select(0, idx)\n"
    "    return torch.cat([torch.flip(t, dims=[3]), t]), labels[idx].repeat(2)\n",
    # a loop over the pool, the slow honest way
    "    xs, ys = [], []\n"
    "    for img, lab, test in zip(images, labels, is_test):\n"
    "        if not test:\n"
    "            xs += [img, img.flip(-1)]\n"
    "            ys += [lab, lab]\n"
    "    if not xs:\n"
    "        return images[:0].clone(), labels[:0].clone()\n"
    "    return torch.stack(xs), torch.stack(ys)\n",
])
def test_other_correct_pipelines_pass(judge, body):
    result = judge.verify(PUZZLE, HEAD + body)
    assert result.status is Status.PASS, result.message


@pytest.mark.parametrize(("body", "words"), [
    # flips the whole pool, then drops only the unflipped test images
    ("    t, y = images[~is_test], labels[~is_test]\n"
     "    return torch.cat([t, images.flip(-1)]), torch.cat([y, labels])\n",
     "mirror image of a test image"),
    # forgets the split altogether
    ("    return torch.cat([images, images.flip(-1)]), torch.cat([labels, labels])\n",
     "leaked into training"),
    # sorts the images (torch.unique) and leaves the labels where they were
    ("    t, y = images[~is_test], labels[~is_test]\n"
     "    x = torch.unique(torch.cat([t, t.flip(-1)]), dim=0)\n"
     "    return x, torch.cat([y, y])[:len(x)]\n",
     "out of step"),
    # flips only half of the training images
    ("    t, y = images[~is_test], labels[~is_test]\n"
     "    h = len(t) // 2\n"
     "    return torch.cat([t, t[:h].flip(-1)]), torch.cat([y, y[:h]])\n",
     "once mirrored"),
])
def test_other_mistakes_are_wrong_answers(judge, body, words):
    result = judge.verify(PUZZLE, HEAD + body)
    assert result.status is Status.WRONG_ANSWER
    assert words in result.message


def test_marking_the_inputs_is_caught(judge):
    body = ("    labels[is_test] = -1\n"
            "    t, y = images[~is_test], labels[~is_test]\n"
            "    return torch.cat([t, t.flip(-1)]), torch.cat([y, y])\n")
    result = judge.verify(PUZZLE, HEAD + body)
    assert result.status is Status.WRONG_ANSWER
    assert any(t.mismatch == "mutated" for t in result.tests)
