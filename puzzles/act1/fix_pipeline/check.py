"""act1.fix_pipeline: the judge inspects what the repaired pipeline yields, bit for bit."""

import torch

from game.engine.checks import Case, Check, Mismatch, describe
from game.engine.checks.images import bit_rows, lookup, same_multiset


def pool(g, n, n_test, shape=(3, 8, 8), symmetric=0):
    """`n` distinct quantised images (k / 255), `n_test` of them marked test, shuffled."""
    images = torch.randint(0, 256, (n, *shape), generator=g).float() / 255
    for i in range(symmetric):  # mirror-symmetric images: their flip is themselves
        w = shape[-1]
        images[i, ..., w - w // 2:] = images[i, ..., : w // 2].flip(-1)
    labels = torch.randint(0, 10, (n,), generator=g)
    is_test = torch.zeros(n, dtype=torch.bool)
    is_test[torch.randperm(n, generator=g)[:n_test]] = True
    return images, labels, is_test


def cases(g):
    yield Case("example: four images, one for the test", *pool(g, 4, 1), example=True)
    yield Case("a typical split (48 train, 16 test)", *pool(g, 64, 16))
    yield Case("mirror-symmetric training images", *pool(g, 12, 3, symmetric=4),
               note="a symmetric image and its flip are the same picture: it appears twice")
    yield Case("no test images at all", *pool(g, 6, 0))
    yield Case("only test images", *pool(g, 5, 5), note="nothing may reach training")
    yield Case("one training image, greyscale", *pool(g, 3, 2, shape=(1, 5, 7)))


def _tensor_pair(got):
    if type(got) is not tuple or len(got) != 2 or any(type(t) is not torch.Tensor for t in got):
        return Mismatch("type", "return a tuple (train_images, train_labels) of two tensors, "
                        f"not {describe(got)}")
    return None


def evaluate(case, expected, got, ctx):
    images, labels, is_test = case.args
    wrong = _tensor_pair(got)
    if wrong:
        return wrong
    x, y = got
    if x.dtype != torch.float32 or y.dtype != torch.int64:
        return Mismatch("dtype", f"images must stay float32 and labels int64; got "
                        f"{str(x.dtype)[6:]} and {str(y.dtype)[6:]}")
    if x.dim() != 4 or tuple(x.shape[1:]) != tuple(images.shape[1:]) or \
            tuple(y.shape) != (len(x),):
        return Mismatch("shape", f"images must be (M, {', '.join(map(str, images.shape[1:]))}) "
                        f"with labels (M,); got {tuple(x.shape)} and {tuple(y.shape)}")
    test = images[is_test]
    leaked = lookup(torch.cat([test, test.flip(-1)]), x)
    if (leaked >= 0).any():
        i = int((leaked >= 0).nonzero()[0])
        j = int(leaked[i])
        how = "the mirror image of a test image" if j >= len(test) else "a test image"
        return Mismatch("values", f"image {i} of your training set is {how}: the test split "
                        "leaked into training. Split first, then augment.")
    train, y_train = images[~is_test], labels[~is_test]
    want_x = torch.cat([train, train.flip(-1)])
    want_y = torch.cat([y_train, y_train])
    source = lookup(want_x, x)
    if (source < 0).any():
        i = int((source < 0).nonzero()[0])
        return Mismatch("values", f"image {i} of your training set is neither a training image "
                        "nor its left–right mirror image (flip the last dimension, width)")
    if len(x) != len(want_x):
        return Mismatch("shape", f"expected {len(want_x)} images — each of the {len(train)} "
                        f"training images once as it is and once mirrored — got {len(x)}")
    if not same_multiset(bit_rows(x), bit_rows(want_x)):
        return Mismatch("values", "each training image must appear exactly once as it is and "
                        "once mirrored; some appear too often and others are missing")
    if not same_multiset(bit_rows(x, y), bit_rows(want_x, want_y)):
        return Mismatch("values", "the labels are out of step with the images: a flipped "
                        "image keeps the label of the image it came from")
    return None


CHECK = Check(cases=cases, evaluate=evaluate)
