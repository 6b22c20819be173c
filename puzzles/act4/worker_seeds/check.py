"""act4.worker_seeds: DataLoader workers whose noise streams differ per worker and per epoch,
and repeat exactly for the same loader seed.

The harness runs the loader twice in the child (real worker processes) and returns every
sample's noise, plus which worker produced it. The three requirements are checked here on those
numbers; no claim of the submission is read.
"""

import torch

from game.engine.checks import Case, Check, Mismatch


def cases(g):
    def seed() -> int:
        return int(torch.randint(0, 2**31 - 1, (1,), generator=g))

    # One dict argument: the runner binds the case's arguments to worker_init_fn's signature.
    yield Case("example: 2 workers, 2 epochs, 24 samples in batches of 4",
               loader(seed(), 24, 4, 2, 2), example=True)
    yield Case("3 workers, 3 epochs, 30 samples in batches of 5", loader(seed(), 30, 5, 3, 3))


def loader(seed: int, n: int, batch_size: int, workers: int, epochs: int) -> dict[str, int]:
    return {"seed": seed, "n": n, "batch_size": batch_size, "workers": workers,
            "epochs": epochs}


def _streams(noise: torch.Tensor, worker: torch.Tensor) -> dict[int, torch.Tensor]:
    return {int(w): noise[worker == w] for w in worker.unique()}


def evaluate(case, expected, got, ctx):
    config = case.args[0]
    n, workers, epochs = config["n"], config["workers"], config["epochs"]
    if not (isinstance(got, tuple) and len(got) == 3
            and all(type(t) is torch.Tensor for t in got)):
        return Mismatch("type", "the loader's run did not produce its batches")
    noise, again, worker = got
    if tuple(noise.shape) != (epochs, n) or tuple(worker.shape) != (epochs, n):
        return Mismatch("shape", "the loader did not deliver every sample of every epoch")
    for e in range(epochs):
        used = sorted(int(w) for w in worker[e].unique())
        if used != list(range(workers)):
            return Mismatch("values", f"epoch {e + 1} was not loaded by {workers} workers "
                            f"(worker ids seen: {used})")
        streams = _streams(noise[e], worker[e])
        for a in range(workers):
            for b in range(a + 1, workers):
                size = min(len(streams[a]), len(streams[b]))
                if torch.equal(streams[a][:size], streams[b][:size]):
                    return Mismatch(
                        "values", f"in epoch {e + 1}, workers {a} and {b} drew the same noise "
                        f"({streams[a][0].item():.6f}, {streams[a][1].item():.6f}, …): "
                        "each worker holds a copy of the dataset's Generator, in the same state",
                        "a different stream per worker", "identical streams")
    if not torch.equal(noise, again):
        return Mismatch("values", "two runs with the same generator seed gave different noise: "
                        "the workers' streams must be derived from the loader's seed, not from "
                        "fresh entropy", "identical batches", "different batches")
    for e in range(1, epochs):
        if torch.equal(noise[e], noise[e - 1]):
            return Mismatch("values", f"epoch {e + 1} repeated epoch {e}'s noise exactly: the "
                            "seed must change with the epoch, as the loader's own per-worker "
                            "seed does", "new noise each epoch", "the same noise")
    return None


CHECK = Check(cases=cases, evaluate=evaluate, inputs_on_device=False)
