import torch


def patches(img: torch.Tensor, k: int) -> torch.Tensor:
    # Return a contiguous (H // k, W // k, k, k) tensor: out[i, j] is the k×k patch
    # in patch-row i, patch-column j. Crop, view, permute... and then?
    h, w = img.shape[0] // k, img.shape[1] // k
    return img[: h * k, : w * k].reshape(h, w, k, k)
