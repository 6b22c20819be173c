import torch
import torch.nn.functional as F


def amp_step(model, optimizer, scaler, x, y):
    optimizer.zero_grad()
    with torch.autocast(device_type=x.device.type, dtype=torch.bfloat16):
        loss = F.mse_loss(model(x), y)
    scaler.scale(loss).backward()
    scaler.unscale_(optimizer)  # true gradients, so max_norm means what it says
    torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
    scaler.step(optimizer)  # skipped if unscale_ found an inf or NaN
    scaler.update()  # halve the scale after a skip, grow it after a clean run
