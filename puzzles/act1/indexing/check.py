import torch

from game.engine.checks import Case, Check, Mismatch, describe, floats, ints, sizes
from game.engine.compare import compare_tensors


def reference(img, k):
    h, w = img.shape[0] // k, img.shape[1] // k
    crop = img[: h * k, : w * k]
    return crop.reshape(h, k, w, k).permute(0, 2, 1, 3).contiguous()


def evaluate(case, expected, got, ctx):
    """Exact values first, then the layout: the next stage needs contiguous memory."""
    if type(got) is not torch.Tensor:
        return Mismatch("type", f"output: expected a torch.Tensor, got {describe(got)}")
    found = compare_tensors(expected, got, path="output", exact=True, rtol=None, atol=None)
    if found:
        return found
    if not got.is_contiguous():
        return Mismatch(
            "layout",
            f"output: every value is right, but the tensor is not contiguous (strides "
            f"{tuple(got.stride())}; a contiguous {tuple(got.shape)} tensor has strides "
            f"{tuple(expected.stride())}). permute only relabels the strides of the image's "
            "memory, and .clone() copies those strides faithfully; the next stage's "
            ".view(-1, k * k) would refuse this. Finish with .contiguous().",
            f"contiguous, strides {tuple(expected.stride())}",
            f"not contiguous, strides {tuple(got.stride())}")
    return None


def grid(h, w, dtype=torch.int64):
    return torch.arange(h * w, dtype=dtype).reshape(h, w)


def cases(g):
    yield Case("example: 4×4 page, k = 2", grid(4, 4), 2, example=True)
    yield Case("example: 4×6 page, k = 2", grid(4, 6), 2, example=True)
    yield Case("a ragged edge is dropped", grid(7, 10), 3,
               note="7 // 3 = 2 rows and 10 // 3 = 3 columns of patches; the last row and "
               "column of pixels belong to no whole patch")
    yield Case("k = 1", grid(3, 5), 1)
    yield Case("one patch covers the page", grid(5, 5), 5)
    yield Case("one row of patches", grid(2, 8), 2)
    yield Case("one column of patches, ragged", grid(10, 4), 3)
    yield Case("uint8 scan 32×32, k = 8",
               torch.randint(0, 256, (32, 32), generator=g, dtype=torch.uint8), 8)
    yield Case("float32 scan 12×20, k = 4", floats(g, (12, 20)), 4)
    for _ in range(4):
        h, w = sizes(g, 1, 24), sizes(g, 1, 24)
        k = sizes(g, 1, min(h, w))
        yield Case(f"random {h}×{w}, k = {k}", ints(g, (h, w), -9, 9), k)


CHECK = Check(reference=reference, cases=cases, evaluate=evaluate)
