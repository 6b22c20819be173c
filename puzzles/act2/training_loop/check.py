"""act2.training_loop: the player's first training loop, on synthetic patients.

The player returns the trained Triage network's state_dict and its predicted labels for the
held-out patients. The judge loads the weights into its own Triage, predicts in eval mode,
scores that against labels that never leave the judge, and checks that the player's labels are
the ones their own model gives in eval mode (dropout off)."""

import math

import torch
from torch import nn

from game.engine.checks import Case, Check, Heatmap, Mismatch

THRESHOLD = 0.85
TRAIN, TEST = 600, 300
DIAGNOSES = ("healthy", "diabetic risk", "cardiac risk")


class Triage(nn.Module):
    """The architecture the brief prescribes."""

    def __init__(self) -> None:
        super().__init__()
        self.hidden = nn.Linear(6, 32)
        self.drop = nn.Dropout(0.5)
        self.out = nn.Linear(32, 3)

    def forward(self, x):
        return self.out(self.drop(torch.relu(self.hidden(x))))


def patients(g):
    """Three diagnoses, six standardised lab values each. Each diagnosis is a Gaussian cloud
    with its own centre and correlations; a small network separates them to about 95 %."""
    centres = torch.randn(3, 6, generator=g, dtype=torch.float64)
    centres = 2.2 * centres / centres.norm(dim=1, keepdim=True)
    mixes = torch.randn(3, 6, 6, generator=g, dtype=torch.float64) * 0.35 + \
        torch.eye(6, dtype=torch.float64) * 0.6

    def draw(n):
        y = torch.randint(0, 3, (n,), generator=g)
        z = torch.randn(n, 6, generator=g, dtype=torch.float64)
        x = centres[y] + torch.einsum("nij,nj->ni", mixes[y], z)
        return x.float(), y

    x_train, y_train = draw(TRAIN)
    x_test, y_test = draw(TEST)
    return x_train, y_train, x_test, y_test


def cases(g):
    for i in range(3):
        x_train, y_train, x_test, y_test = patients(g)
        seed = int(torch.randint(0, 2**31 - 1, (1,), generator=g))
        name = "example: a night's admissions" if i == 0 else f"another clinic #{i}"
        yield Case(name, x_train, y_train, x_test, seed, example=i == 0,
                   data={"labels": y_test})


def _problem_with_state(state):
    if not isinstance(state, dict) or not all(type(v) is torch.Tensor for v in state.values()):
        return "the first item must be model.state_dict() (a dict of tensors)"
    want = {k: tuple(v.shape) for k, v in Triage().state_dict().items()}
    have = {k: tuple(v.shape) for k, v in state.items()}
    if have != want:
        return (f"the state_dict does not fit the Triage network of the brief: expected "
                f"{want}, got {have}")
    if any(v.dtype != torch.float32 for v in state.values()):
        return "the weights must stay float32"
    return None


def evaluate(case, expected, got, ctx):
    labels = case.data["labels"]
    n = len(labels)
    if not (type(got) is tuple and len(got) == 2):
        return Mismatch("type", "return a tuple: (model.state_dict(), predicted labels)")
    state, pred = got
    if (problem := _problem_with_state(state)) is not None:
        return Mismatch("type", problem)
    if type(pred) is not torch.Tensor:
        return Mismatch("type", f"the labels must be a torch.Tensor, not {type(pred).__name__}")
    if tuple(pred.shape) != (n,):
        hint = " — one score per diagnosis? the label is .argmax(dim=1)" \
            if pred.dim() == 2 and pred.shape[0] == n else ""
        return Mismatch("shape", f"labels: expected shape ({n},), got {tuple(pred.shape)}{hint}",
                        f"int64 ({n},)", str(tuple(pred.shape)))
    if pred.dtype != torch.int64:
        return Mismatch("dtype", f"labels are class indices: int64, not "
                        f"{str(pred.dtype).replace('torch.', '')}", "int64",
                        str(pred.dtype).replace("torch.", ""))
    model = Triage()
    model.load_state_dict(state)
    model.eval()
    x_test = case.args[2]
    with torch.no_grad():
        scores = model(x_test)
    truth = scores.argmax(dim=1)
    top2 = scores.topk(2, dim=1).values
    clear = (top2[:, 0] - top2[:, 1]) > 1e-4  # near-ties may round either way
    acc = float((truth == labels).double().mean())
    if case.example:
        counts = torch.zeros(3, 3)
        counts.index_put_((labels, truth), torch.ones(n), accumulate=True)
        ctx.add_figure(Heatmap(
            title=f"{case.name}: true diagnosis (rows) against your network's (columns)",
            values=counts.tolist(), row_labels=list(DIAGNOSES),
            col_labels=list(DIAGNOSES)))
    if not math.isfinite(float(sum(v.abs().sum() for v in state.values()))):
        return Mismatch("nan", "the trained weights hold nan or inf: the training diverged")
    if acc < THRESHOLD:
        return Mismatch("values", f"your trained network, evaluated by the judge in eval mode, "
                        f"labels {acc:.0%} of the held-out patients correctly; at least "
                        f"{THRESHOLD:.0%} is needed", f">= {THRESHOLD:.2f}", f"{acc:.2f}")
    differ = int(((pred != truth) & clear).sum())
    if differ > 0:
        return Mismatch("values", f"your labels differ from your own network's eval-mode "
                        f"predictions on {differ} of {n} patients: dropout was still active "
                        "when you predicted — call model.eval() first (and predict under "
                        "torch.no_grad())", "the eval-mode labels", f"{differ} differ")
    return None


CHECK = Check(cases=cases, evaluate=evaluate, inputs_on_device=False)
