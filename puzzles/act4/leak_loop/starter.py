import torch
import torch.nn.functional as F


def train(model, optimizer, data, steps):
    train_total, val_total = 0.0, 0.0
    for _ in range(steps):
        optimizer.zero_grad()
        loss = F.mse_loss(model(data["x"]), data["y"])
        loss.backward()
        optimizer.step()
        train_total = train_total + loss
        val_loss = F.mse_loss(model(data["x_val"]), data["y_val"])  # for the logbook
        val_total = val_total + val_loss
    return float(train_total / steps), float(val_total / steps)
