import torch


def patches(img, k):
    return img.unfold(0, k, k).unfold(1, k, k)
