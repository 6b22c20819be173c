import torch
import torch.nn.functional as F


def train(model, optimizer, data, steps):
    train_total, val_total = 0.0, 0.0
    for _ in range(steps):
        optimizer.zero_grad()
        loss = F.mse_loss(model(data["x"]), data["y"])
        loss.backward()
        optimizer.step()
        train_total += loss.detach()
        with torch.no_grad():
            val_total += F.mse_loss(model(data["x_val"]), data["y_val"])
    return train_total / steps, val_total / steps
