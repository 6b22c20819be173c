"""Builds the Behemoth (the teacher) in the child, checks the player's kd_loss on the judge's
logits, and calls distill(). check.py builds the same teacher from this file; the held-out
inputs on which the student is judged never reach the child.

The teacher is bloated on purpose: 565,638 parameters computing a function that a network of
a few hundred could hold — 24 features, each copied 40 times with random scales in its first
layer and passed through 24 copies again in its second (ReLU of a non-negative sum is the sum).
"""

import torch
from torch import nn

D, C = 8, 6


def build_teacher(seed: int, features: int = 24, copies1: int = 40,
                  copies2: int = 24) -> nn.Sequential:
    g = torch.Generator().manual_seed(seed)
    f = features
    v1 = torch.randn(f, D, generator=g) / D ** 0.5
    c1 = torch.randn(f, generator=g) * 0.5
    v3 = torch.randn(C, f, generator=g) * 3 / f ** 0.5
    a1 = torch.rand(f * copies1, generator=g) + 0.5
    a2 = torch.rand(f * copies2, generator=g) + 0.5
    feature_of = torch.arange(f * copies2) % f
    source_of = torch.arange(f * copies1) // copies1
    w2 = (feature_of[:, None] == source_of[None, :]).float() / (copies1 * a1[None, :])
    teacher = nn.Sequential(nn.Linear(D, f * copies1), nn.ReLU(),
                            nn.Linear(f * copies1, f * copies2), nn.ReLU(),
                            nn.Linear(f * copies2, C))
    with torch.no_grad():
        teacher[0].weight.copy_(v1.repeat_interleave(copies1, 0) * a1[:, None])
        teacher[0].bias.copy_(c1.repeat_interleave(copies1) * a1)
        teacher[2].weight.copy_(w2 * a2[:, None])
        teacher[2].bias.zero_()
        teacher[4].weight.copy_(v3[:, feature_of] / (copies2 * a2[None, :]))
        teacher[4].bias.zero_()
        # Centre the logits so that every class owns a fair share of the input space.
        teacher[4].bias.copy_(-teacher(torch.randn(4000, D, generator=g)).mean(0))
    return teacher.eval().requires_grad_(False)


def run(entry, spec, x, seed):
    kd_loss = getattr(entry, "__globals__", {}).get("kd_loss")  # beside distill in the file
    if not callable(kd_loss):
        raise NameError("define kd_loss(student_logits, teacher_logits, T) beside distill")
    kd = []
    for case in spec["kd"]:
        s = case["student"].clone().requires_grad_(True)
        loss = kd_loss(s, case["teacher"].clone(), case["T"])
        if type(loss) is not torch.Tensor:
            raise TypeError(f"kd_loss must return a tensor, not {type(loss).__name__}")
        grad = None
        if loss.requires_grad and loss.numel() == 1:
            (grad,) = torch.autograd.grad(loss, s, allow_unused=True)
        kd.append({"loss": loss.detach().clone(), "grad": grad})
    teacher = build_teacher(spec["seed"])
    state = entry(teacher, x, seed)
    if isinstance(state, dict):  # model.state_dict() is an OrderedDict: send it as a dict
        state = dict(state)
    return {"kd": kd, "student": state}
