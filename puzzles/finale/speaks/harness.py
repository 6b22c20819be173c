"""Gives train_lm a snapshot(model) callback in place of the case's last argument (how many
snapshots to keep): each call keeps a copy of the model's weights, so the judge can draw the
held-out loss along the way from weights, not from numbers the submission reports."""

import torch


def run(entry, ids, vocab_size, seed, max_snapshots):
    snapshots = []

    def snapshot(model):
        if len(snapshots) < max_snapshots:
            snapshots.append({k: v.detach().to("cpu", torch.float32, copy=True)
                              for k, v in model.state_dict().items()})

    state = entry(ids, vocab_size, seed, snapshot)
    if not isinstance(state, dict):
        raise TypeError(f"train_lm must return model.state_dict(), not a "
                        f"{type(state).__name__}")
    return {k: v.detach().to("cpu", copy=True) if isinstance(v, torch.Tensor) else v
            for k, v in state.items()}, snapshots
