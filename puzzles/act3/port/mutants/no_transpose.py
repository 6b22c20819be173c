import torch

PREFIX = "oneai.behemoth."
RENAMES = {
    "ln_a.gamma": "norm1.weight", "ln_a.beta": "norm1.bias",
    "attn.out.bias": "proj.bias",
    "ln_b.gamma": "norm2.weight", "ln_b.beta": "norm2.bias",
    "mlp.up.weight": "ff1.weight", "mlp.up.bias": "ff1.bias",
    "mlp.down.weight": "ff2.weight", "mlp.down.bias": "ff2.bias",
    "final_ln.gamma": "norm.weight", "final_ln.beta": "norm.bias",
    "classifier.weight": "head.weight", "classifier.bias": "head.bias",
}


def port(ckpt: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    out: dict[str, torch.Tensor] = {}
    for key, value in ckpt.items():
        key = key.removeprefix(PREFIX)
        if key == "export_version":
            continue
        layer = ""
        if key.startswith("blocks."):
            _, index, key = key.split(".", 2)
            layer = f"layers.{index}."
        if key in ("attn.qkv.weight", "attn.qkv.bias"):
            kind = key.rsplit(".", 1)[1]
            for name, part in zip("qkv", value.chunk(3, dim=0), strict=True):
                out[f"{layer}{name}.{kind}"] = part.clone()
        elif key == "attn.out.weight_t":
            out[layer + "proj.weight"] = value.clone()
        else:
            out[layer + RENAMES[key]] = value.clone()
    return out
