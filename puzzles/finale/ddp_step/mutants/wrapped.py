from torch.nn.parallel import DistributedDataParallel


def ddp_step(model, optimizer, x, y, loss_fn) -> None:
    optimizer.zero_grad()
    loss_fn(DistributedDataParallel(model)(x), y).backward()
    optimizer.step()
