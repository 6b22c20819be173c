import torch


def round_trip(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    via_half = x.to(torch.float16).to(torch.float32)
    via_bf16 = x.to(torch.bfloat16).to(torch.float32)
    return via_half + 0.0, via_bf16 + 0.0  # -0.0 + 0.0 is +0.0: the sign of zero is lost
