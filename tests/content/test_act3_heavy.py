"""Act III's distillation: other correct answers pass and plausible mistakes get the verdict,
mismatch kind and explanation they should. Training runs in the child, so these take seconds;
the mistakes in the loss train only briefly (the loss is judged before the student)."""

from __future__ import annotations

import textwrap

import pytest

from game.core.result import Status
from game.engine.judge import Judge

SEED = 31
PUZZLE = "act3.distill"
HEAD = "import torch\nimport torch.nn.functional as F\nfrom torch import nn\n\n\n"

TRAIN = """
def distill(teacher, x, seed):
    torch.manual_seed(seed)
    with torch.no_grad():
        targets = teacher(x)
    student = {student}
    opt = torch.optim.Adam(student.parameters(), lr={lr})
    for _ in range({steps}):
        rows = torch.randint(0, len(x), ({batch},))
        loss = kd_loss(student(x[rows]), targets[rows], {T})
        opt.zero_grad()
        loss.backward()
        opt.step()
    return {ret}
"""
STUDENT = "nn.Sequential(nn.Linear(8, {h}), nn.ReLU(), nn.Linear({h}, 6))"


def train(h=64, lr="1e-2", steps=800, batch=512, T="2.0", ret="student.state_dict()",
          student=None) -> str:
    return TRAIN.format(student=student or STUDENT.format(h=h), lr=lr, steps=steps,
                        batch=batch, T=T, ret=ret)


def src(loss: str, training: str) -> str:
    return HEAD + textwrap.dedent(loss).strip() + "\n\n\n" + training.strip() + "\n"


KL = """
def kd_loss(student_logits, teacher_logits, T):
    return F.kl_div(F.log_softmax(student_logits / T, dim=-1),
                    F.log_softmax(teacher_logits / T, dim=-1),
                    reduction="batchmean", log_target=True) * T ** 2
"""

RIGHT = {
    "the KL written out by hand, a wider student": src("""
        def kd_loss(student_logits, teacher_logits, T):
            log_p = F.log_softmax(teacher_logits / T, dim=-1)
            log_q = F.log_softmax(student_logits / T, dim=-1)
            return (log_p.exp() * (log_p - log_q)).sum(dim=-1).mean() * T * T
    """, train(h=96, steps=700)),
    "kl_div with a probability target, temperature 4": src("""
        def kd_loss(student_logits, teacher_logits, T):
            target = F.softmax(teacher_logits / T, dim=-1)
            return F.kl_div(F.log_softmax(student_logits / T, dim=-1), target,
                            reduction="batchmean") * T ** 2
    """, train(T="4.0", steps=900)),
    "soft-target cross-entropy minus the teacher's entropy, full batches": src("""
        def kd_loss(student_logits, teacher_logits, T):
            log_p = F.log_softmax(teacher_logits / T, dim=-1)
            entropy = -(log_p.exp() * log_p).sum(dim=-1).mean()
            return (F.cross_entropy(student_logits / T, log_p.exp()) - entropy) * T ** 2
    """, train(batch=4096, steps=600, lr="2e-2")),
}

WRONG = {
    "a loss per row, not averaged": (src("""
        def kd_loss(student_logits, teacher_logits, T):
            return F.kl_div(F.log_softmax(student_logits / T, dim=-1),
                            F.log_softmax(teacher_logits / T, dim=-1),
                            reduction="none", log_target=True).sum(dim=-1) * T ** 2
    """, train(steps=20)), Status.RUNTIME_ERROR, None, "only for scalar outputs"),
    "multiplied by T, not T squared": (src("""
        def kd_loss(student_logits, teacher_logits, T):
            return F.kl_div(F.log_softmax(student_logits / T, dim=-1),
                            F.log_softmax(teacher_logits / T, dim=-1),
                            reduction="batchmean", log_target=True) * T
    """, train(steps=20)), Status.WRONG_ANSWER, "values", "kd_loss on float32"),
    "the teacher not softened": (src("""
        def kd_loss(student_logits, teacher_logits, T):
            return F.kl_div(F.log_softmax(student_logits / T, dim=-1),
                            F.softmax(teacher_logits, dim=-1),
                            reduction="batchmean") * T ** 2
    """, train(steps=20)), Status.WRONG_ANSWER, "values", "expected"),
    "the loss as a Python number": (src("""
        def kd_loss(student_logits, teacher_logits, T):
            return (F.kl_div(F.log_softmax(student_logits / T, dim=-1),
                             F.log_softmax(teacher_logits / T, dim=-1),
                             reduction="batchmean", log_target=True) * T ** 2).item()
    """, train(steps=20)), Status.RUNTIME_ERROR, None, "kd_loss must return a tensor"),
    "the student itself returned": (src(KL, train(steps=50, ret="student")),
                                    Status.WRONG_ANSWER, "type", "state_dict"),
    "a deeper student": (src(KL, train(steps=50, student=(
        "nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Linear(32, 32), nn.ReLU(), "
        "nn.Linear(32, 6))"))), Status.WRONG_ANSWER, "values", "keys 0.weight"),
    "hard labels for a few steps": (src(KL, """
def distill(teacher, x, seed):
    torch.manual_seed(seed)
    with torch.no_grad():
        labels = teacher(x).argmax(dim=1)
    student = nn.Sequential(nn.Linear(8, 64), nn.ReLU(), nn.Linear(64, 6))
    opt = torch.optim.SGD(student.parameters(), lr=0.1)
    for _ in range(30):
        opt.zero_grad()
        F.cross_entropy(student(x), labels).backward()
        opt.step()
    return student.state_dict()
"""), Status.WRONG_ANSWER, "values", "held-out inputs"),
    "no kd_loss at all": (HEAD + train(steps=5).replace("kd_loss(", "F.mse_loss("),
                          Status.RUNTIME_ERROR, None, "define kd_loss"),
}


@pytest.mark.parametrize("name", list(RIGHT))
def test_other_correct_answers_pass(judge: Judge, name: str) -> None:
    res = judge.verify(PUZZLE, RIGHT[name], seed=SEED)
    assert res.status is Status.PASS, f"{name}: {res.status.value}: {res.message}"
    titles = [f.title for f in res.figures]
    assert len(titles) == 2 and all("of the teacher's 565,638" in t for t in titles), titles


@pytest.mark.parametrize("name", list(WRONG))
def test_plausible_mistakes_fail(judge: Judge, name: str) -> None:
    source, status, mismatch, says = WRONG[name]
    res = judge.verify(PUZZLE, source, seed=SEED)
    kinds = {t.mismatch for t in res.tests if t.mismatch}
    assert res.status is status, f"{name}: {res.status.value}: {res.message}"
    if mismatch is not None:
        assert mismatch in kinds, f"{name}: {kinds}: {res.message}"
    assert says in res.message, res.message


def test_the_teacher_is_the_bloated_network_the_brief_describes() -> None:
    from pathlib import Path

    namespace: dict = {}
    harness = Path(__file__).parents[2] / "puzzles" / "act3" / "distill" / "harness.py"
    exec(compile(harness.read_text(encoding="utf-8"), str(harness), "exec"), namespace)
    teacher = namespace["build_teacher"](5)
    import torch

    assert sum(p.numel() for p in teacher.parameters()) == 565_638
    assert not any(p.requires_grad for p in teacher.parameters()) and not teacher.training
    x = torch.randn(3000, 8, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        shares = torch.bincount(teacher(x).argmax(dim=1), minlength=6) / len(x)
    assert bool((shares > 0.03).all()), shares  # every class owns part of the input space
