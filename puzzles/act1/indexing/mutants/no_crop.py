import torch


def patches(img, k):
    H, W = img.shape
    return img.view(H // k, k, W // k, k).permute(0, 2, 1, 3).contiguous()
