import torch
import torch.nn.functional as F
from torch import nn


class Triage(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.hidden = nn.Linear(6, 32)
        self.drop = nn.Dropout(0.5)
        self.out = nn.Linear(32, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # hidden, then ReLU, then dropout, then out: one score per diagnosis.
        raise NotImplementedError("write Triage.forward")


def train_triage(x_train, y_train, x_test, seed):
    torch.manual_seed(seed)
    model = Triage()
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    for _ in range(150):
        opt.zero_grad()
        # ...the loss (F.cross_entropy on the training patients), backward and step go here.
    with torch.no_grad():
        labels = model(x_test).argmax(dim=1)
    return model.state_dict(), labels
