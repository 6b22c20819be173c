"""Starts two ranks, runs the player's ddp_step three times on each with that rank's shard,
and returns both ranks' parameters (flattened, float64) for the judge.

Each rank is a fork of this process; the group is gloo over the loopback interface, its
rendezvous a TCP store served by rank 0 on 127.0.0.1. The parameters come back through pipes, not
through the group, so a broken collective cannot misreport them."""

import datetime
import os
import socket

import torch
import torch.distributed as dist
from torch import nn

WORLD = 2
STEPS = 3


def build(state, opt_name, lr):
    model = nn.Sequential(nn.Linear(state["0.weight"].shape[1], state["0.weight"].shape[0]),
                          nn.Tanh(), nn.Linear(state["2.weight"].shape[1],
                                               state["2.weight"].shape[0])).double()
    model.load_state_dict(state)
    if opt_name == "sgd":
        optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    else:
        optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    return model, optimizer


def flat(model):
    return torch.cat([p.detach().reshape(-1) for p in model.parameters()]).double()


def train(entry, rank, port, state, x, y, opt_name, lr):
    timeout = datetime.timedelta(seconds=10)
    store = dist.TCPStore("127.0.0.1", port, WORLD, is_master=rank == 0, timeout=timeout)
    dist.init_process_group("gloo", store=store, rank=rank, world_size=WORLD, timeout=timeout)
    try:
        model, optimizer = build(state, opt_name, lr)
        shard = x.shape[0] // WORLD
        xs = x[rank * shard:(rank + 1) * shard].clone()
        ys = y[rank * shard:(rank + 1) * shard].clone()
        for _ in range(STEPS):
            entry(model, optimizer, xs, ys, nn.MSELoss())
        return flat(model)
    finally:
        dist.destroy_process_group()


def _rank(entry, rank, port, args):
    """Runs in a forked process: trains as `rank`, returns the bytes for the parent."""
    try:
        params = train(entry, rank, port, *args)
        return b"ok" + params.numpy().tobytes()
    except BaseException as exc:  # noqa: BLE001 - reported by the parent
        return b"er" + f"{type(exc).__name__}: {exc}".encode()[:2000]


def _free_port():
    """A loopback port nobody listens on now; rank 0 serves the rendezvous store there."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run(entry, state, x, y, opt_name, lr):
    os.environ["GLOO_SOCKET_IFNAME"] = "lo"
    port = _free_port()
    # Both ranks are fresh forks of this process, which never starts gloo itself: a fork
    # taken after a process group has run could inherit its threads' locks.
    ranks = []
    for rank in range(WORLD):
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read_end)
            payload = _rank(entry, rank, port, (state, x, y, opt_name, lr))
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(payload)
            os._exit(0)
        os.close(write_end)
        ranks.append((pid, read_end))
    results = []
    for rank, (pid, read_end) in enumerate(ranks):
        with os.fdopen(read_end, "rb") as pipe:
            payload = pipe.read()
        os.waitpid(pid, 0)
        if payload[:2] != b"ok":
            why = payload[2:].decode(errors="replace") if payload else "it was killed"
            raise RuntimeError(f"rank {rank} failed: {why}")
        results.append(torch.frombuffer(bytearray(payload[2:]), dtype=torch.float64).clone())
    return results[0], results[1]
