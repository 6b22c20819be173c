import torch.distributed as dist


def ddp_step(model, optimizer, x, y, loss_fn) -> None:
    optimizer.zero_grad()
    loss_fn(model(x), y).backward()
    world = dist.get_world_size()
    for p in model.parameters():
        if p.grad is not None:
            dist.all_reduce(p.grad)            # the sum over ranks ...
            p.grad /= world                    # ... becomes the mean: the full batch's gradient
    optimizer.step()
