import torch


def patches(img, k):
    h, w = img.shape[0] // k, img.shape[1] // k
    return img[: h * k, : w * k].view(h, k, w, k).permute(0, 2, 3, 1).contiguous()
