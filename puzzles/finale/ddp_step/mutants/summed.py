import torch.distributed as dist


def ddp_step(model, optimizer, x, y, loss_fn) -> None:
    optimizer.zero_grad()
    loss_fn(model(x), y).backward()
    for p in model.parameters():
        dist.all_reduce(p.grad)  # the sum of the ranks' gradients, not their mean
    optimizer.step()
