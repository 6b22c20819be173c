import torch


def patches(img, k):
    h, w = img.shape[0] // k, img.shape[1] // k
    return img[: h * k, : w * k].reshape(h, w, k, k)
