"""act3.distill: a student of at most 5 % of the teacher's parameters that agrees with it on
held-out inputs at least 95 % of the time, and the temperature-scaled KL loss that trains it.

The teacher is built from a seed in the child and here (harness.py); the player's kd_loss is
compared with the reference on the judge's logits (values and gradient); the student comes
back as a state_dict whose size the judge counts and whose agreement it measures on inputs that
never left the judge.
"""

from pathlib import Path

import torch
import torch.nn.functional as F

from game.engine.checks import Case, Check, Mismatch, Series, describe, floats

_HARNESS: dict = {"__name__": "act3_distill_teacher"}
exec(compile(Path(__file__).with_name("harness.py").read_text(encoding="utf-8"),
             str(Path(__file__).with_name("harness.py")), "exec"), _HARNESS)
build_teacher = _HARNESS["build_teacher"]
D, C = _HARNESS["D"], _HARNESS["C"]
AGREEMENT = 0.95
SHARE = 0.05
HELD_OUT = 2000
KEYS = ("0.weight", "0.bias", "2.weight", "2.bias")


def kd_reference(s, t, T):
    s = s.double().requires_grad_(True)
    loss = F.kl_div(F.log_softmax(s / T, dim=-1), F.log_softmax(t.double() / T, dim=-1),
                    reduction="batchmean", log_target=True) * T ** 2
    (grad,) = torch.autograd.grad(loss, s)
    return loss.detach(), grad


def kd_cases(g):
    return [
        {"student": floats(g, (5, C), scale=2.0), "teacher": floats(g, (5, C), scale=2.0),
         "T": 2.0},
        {"student": floats(g, (3, 4), torch.float64), "teacher": floats(g, (3, 4), torch.float64),
         "T": 1.0},
        {"student": floats(g, (4, C)), "teacher": floats(g, (4, C), scale=4.0), "T": 5.0},
        {"student": floats(g, (2, 3), scale=300.0), "teacher": floats(g, (2, 3), scale=300.0),
         "T": 1.0},
    ]


def make(g, name, example=False):
    seed = int(torch.randint(0, 2**31 - 1, (1,), generator=g))
    x = floats(g, (4096, D))
    held_out = floats(g, (HELD_OUT, D))
    return Case(name, {"seed": seed, "kd": kd_cases(g)}, x,
                int(torch.randint(0, 2**31 - 1, (1,), generator=g)), example=example,
                data={"held_out": held_out})


def cases(g):
    yield make(g, "example: distil the Behemoth", example=True)
    yield make(g, "another Behemoth, another seed")


def reference(spec, x, seed):
    return {"kd": [kd_reference(c["student"], c["teacher"], c["T"]) for c in spec["kd"]]}


def _kd(case, expected, got):
    if not isinstance(got["kd"], list) or len(got["kd"]) != len(expected["kd"]):
        return Mismatch("type", "the judge could not read kd_loss's results")
    for c, (want, want_grad), mine in zip(case.args[0]["kd"], expected["kd"], got["kd"],
                                          strict=True):
        shape = tuple(c["student"].shape)
        where = f"kd_loss on {str(c['student'].dtype)[6:]} logits {shape}, T = {c['T']}"
        loss = mine["loss"]
        if type(loss) is not torch.Tensor or loss.shape != ():
            return Mismatch("shape", f"{where}: return a 0-d tensor, got {describe(loss)}")
        if loss.dtype != c["student"].dtype:
            return Mismatch("dtype", f"{where}: expected {c['student'].dtype}, got {loss.dtype}")
        if not torch.isfinite(loss):
            return Mismatch("nan", f"{where}: the loss is {float(loss)} — take log-probabilities "
                            "with log_softmax rather than the log of a softmax")
        rtol = 1e-4 if loss.dtype == torch.float32 else 1e-7
        if not torch.isclose(loss.double(), want, rtol=rtol, atol=1e-6):
            ratio = float(loss) / float(want) if float(want) else float("nan")
            hint = ""
            if abs(ratio * c["T"] ** 2 - 1) < 1e-3 and c["T"] != 1:
                hint = " — off by a factor T²: multiply by T ** 2"
            elif abs(ratio * c["student"].shape[-1] - 1) < 1e-3:
                hint = " — divided by the number of elements: kl_div's reduction should be " \
                       "'batchmean'"
            return Mismatch("values", f"{where}: expected {float(want):.6g}, got "
                            f"{float(loss):.6g}{hint}", f"{float(want):.6g}", f"{float(loss):.6g}")
        if mine["grad"] is None:
            return Mismatch("gradient", f"{where}: no gradient reaches the student's logits")
        if not torch.allclose(mine["grad"].double(), want_grad, rtol=rtol * 10, atol=1e-6):
            return Mismatch("gradient", f"{where}: the gradient with respect to the student's "
                            "logits differs from the reference's")
    return None


def evaluate(case, expected, got, ctx):
    if not isinstance(got, dict) or "kd" not in got:
        return Mismatch("type", "the judge could not read the result", "", describe(got))
    if (m := _kd(case, expected, got)) is not None:
        return m
    state = got["student"]
    if not isinstance(state, dict) or "__unsupported__" in state:
        return Mismatch("type", "distill must return the student's state_dict, got "
                        f"{describe(state)}")
    if sorted(state) != sorted(KEYS):
        return Mismatch("values", "the student must be nn.Sequential(nn.Linear(8, H), "
                        f"nn.ReLU(), nn.Linear(H, 6)): keys {', '.join(KEYS)}; yours: "
                        f"{', '.join(map(str, state))}")
    if not all(type(state[k]) is torch.Tensor and state[k].dtype == torch.float32
               for k in KEYS):
        return Mismatch("type", "every entry of the student's state_dict must be a float32 "
                        "tensor")
    h = state["0.bias"].shape[0] if state["0.bias"].dim() == 1 else -1
    shapes = {"0.weight": (h, D), "0.bias": (h,), "2.weight": (C, h), "2.bias": (C,)}
    for key, shape in shapes.items():
        if tuple(state[key].shape) != shape:
            return Mismatch("shape", f"student {key} is {tuple(state[key].shape)}, expected "
                            f"{shape}", str(shape), str(tuple(state[key].shape)))
    teacher = build_teacher(case.args[0]["seed"])
    teacher_size = sum(p.numel() for p in teacher.parameters())
    student_size = sum(t.numel() for t in state.values())
    x = case.data["held_out"]
    with torch.no_grad():
        want = teacher(x).argmax(dim=1)
        mine = F.linear(F.relu(F.linear(x, state["0.weight"], state["0.bias"])),
                        state["2.weight"], state["2.bias"]).argmax(dim=1)
    agree = float((mine == want).double().mean())
    per_class = [float((mine[want == c] == c).double().mean()) if bool((want == c).any())
                 else 0.0 for c in range(C)]
    sizes = (f"student {student_size:,} parameters ({student_size / teacher_size:.2%} of the "
             f"teacher's {teacher_size:,})")
    ctx.add_figure(Series(title=f"{sizes}; agreement {agree:.1%}", x_label="teacher's class",
                          y_label="agreement", x=[float(c) for c in range(C)],
                          lines={"student": per_class, "required": [AGREEMENT] * C}))
    if student_size > SHARE * teacher_size:
        return Mismatch("budget", f"{sizes}: the budget is {SHARE:.0%}, "
                        f"{int(SHARE * teacher_size):,} parameters",
                        f"<= {int(SHARE * teacher_size):,}", f"{student_size:,}")
    if agree < AGREEMENT:
        return Mismatch("values", f"{sizes} agrees with the teacher on {agree:.1%} of "
                        f"{HELD_OUT} held-out inputs; at least {AGREEMENT:.0%} is required",
                        f">= {AGREEMENT:.0%}", f"{agree:.1%}")
    return None


CHECK = Check(reference=reference, cases=cases, evaluate=evaluate, inputs_on_device=False)
