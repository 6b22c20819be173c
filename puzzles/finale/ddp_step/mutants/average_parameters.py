import torch
import torch.distributed as dist


def ddp_step(model, optimizer, x, y, loss_fn) -> None:
    optimizer.zero_grad()
    loss_fn(model(x), y).backward()
    optimizer.step()  # a local step on the shard ...
    with torch.no_grad():
        for p in model.parameters():  # ... then the parameters are averaged
            dist.all_reduce(p)
            p /= dist.get_world_size()
