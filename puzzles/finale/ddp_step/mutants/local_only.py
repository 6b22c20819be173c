def ddp_step(model, optimizer, x, y, loss_fn) -> None:
    # Each rank learns from its own shard alone: the ranks drift apart.
    optimizer.zero_grad()
    loss_fn(model(x), y).backward()
    optimizer.step()
