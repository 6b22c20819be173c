"""finale.last_leak: near-duplicate test images (resized, re-encoded, mirrored) found by a
stated fingerprint rule, under a memory budget.

Every case is built with a gap: each test image's best similarity to the training set is
either >= 0.95 (a leak) or <= 0.85 (not one), so the threshold 0.9 is never a coin toss."""

from functools import cache

import torch
import torch.nn.functional as F

from game.engine.checks import Case, Check, Mismatch

THRESHOLD, LEAK_ABOVE, CLEAN_BELOW = 0.9, 0.95, 0.85


def fingerprints(images):
    """(n, 3, 32, 32) -> (n, 192): 8x8 average pool, centred, unit length (float64)."""
    f = F.adaptive_avg_pool2d(images, 8).flatten(1).double()
    f = f - f.mean(1, keepdim=True)
    return f / f.norm(dim=1, keepdim=True)


def best_similarity(train, test):
    """For each test image, its highest cosine similarity to a training image or its mirror
    (the thumbnail of a mirrored image is the mirrored thumbnail: 4x4 pooling commutes with
    a left-right flip of a 32-pixel-wide image)."""
    keys = fingerprints(train)
    mirrored = keys.view(-1, 3, 8, 8).flip(-1).flatten(1)
    q = fingerprints(test)
    return torch.maximum((q @ keys.T).amax(1), (q @ mirrored.T).amax(1))


def reference(train, test):
    return (best_similarity(train, test) >= THRESHOLD).nonzero().flatten()


# -- data --------------------------------------------------------------------------------------

def photos(g, n):
    """Smooth random colour pictures in [0, 1]: a coarse 4x4 field, upsampled, with grain."""
    coarse = torch.randn(n, 3, 4, 4, generator=g)
    fine = F.interpolate(coarse, size=32, mode="bilinear", align_corners=False)
    return torch.sigmoid(1.5 * fine + 0.15 * torch.randn(n, 3, 32, 32, generator=g))


def resized(img, size):
    small = F.interpolate(img, size=size, mode="bilinear", antialias=True, align_corners=False)
    return F.interpolate(small, size=32, mode="bilinear", align_corners=False).clamp(0, 1)


def reencoded(g, img):
    """Contrast and brightness changed, sensor noise, 8-bit quantisation."""
    scale = 0.8 + 0.3 * torch.rand(len(img), 1, 1, 1, generator=g)
    shift = 0.1 * torch.rand(len(img), 1, 1, 1, generator=g) - 0.05
    noisy = img * scale + shift + 0.03 * torch.randn(img.shape, generator=g)
    return torch.round(noisy.clamp(0, 1) * 255) / 255


def variant(g, img, kind):
    if kind == "resized":
        return resized(img, 16 + int(torch.randint(0, 12, (1,), generator=g)))
    if kind == "reencoded":
        return reencoded(g, img)
    if kind == "mirror_resized":
        return resized(img.flip(-1), 20)
    if kind == "mirror_reencoded":
        return reencoded(g, img.flip(-1))
    if kind == "blend":  # another photo of the same scene: not a leak
        return 0.55 * img + 0.45 * photos(g, len(img))
    if kind == "shifted":  # cropped elsewhere: not a leak
        return torch.roll(img, shifts=(8, 8), dims=(-2, -1))
    raise ValueError(kind)


@cache
def benchmark_train(n):
    """The big case's training set, drawn once per judge: which of its images leak, and how,
    still changes with every seed."""
    return photos(torch.Generator().manual_seed(1789), n)


def build(g, n_train, n_test, kinds, train=None):
    """Train and test sets; test holds, per kind, some variants of random training images,
    and fresh photos elsewhere. Images too close to the threshold are replaced by fresh ones."""
    train = photos(g, n_train) if train is None else train.clone()
    test = photos(g, n_test)
    slots = torch.randperm(n_test, generator=g)
    used = 0
    for kind, count in kinds.items():
        where = slots[used:used + count]
        used += count
        sources = train[torch.randint(0, n_train, (count,), generator=g)]
        test[where] = variant(g, sources, kind)
    for _ in range(5):
        best = best_similarity(train, test)
        unclear = ((best > CLEAN_BELOW) & (best < LEAK_ABOVE)).nonzero().flatten()
        if len(unclear) == 0:
            break
        test[unclear] = photos(g, len(unclear))
    return train.contiguous(), test.contiguous()


ALL_KINDS = {"resized": 3, "reencoded": 3, "mirror_resized": 2, "mirror_reencoded": 2,
             "blend": 3, "shifted": 3}


def cases(g):
    yield Case("example: 6 training images, 4 test images",
               *build(g, 6, 4, {"resized": 1, "mirror_reencoded": 1, "blend": 1}),
               example=True)
    yield Case("resized and re-encoded copies",
               *build(g, 40, 24, {"resized": 5, "reencoded": 5}),
               note="a copy resized, or re-encoded with new contrast, brightness, noise and "
                    "8-bit rounding, is still the same picture")
    yield Case("mirrored variants", *build(g, 40, 24, {"mirror_resized": 4,
                                                      "mirror_reencoded": 4}))
    yield Case("look-alikes that are not leaks", *build(g, 40, 24, {"blend": 8, "shifted": 8}),
               note="a blend with another photo, or a shifted crop, is a different picture")
    yield Case("no leaks at all", *build(g, 30, 12, {}))
    yield Case("a single test image", *build(g, 12, 1, {"reencoded": 1}))
    yield Case("Hammer's benchmark: 600 training images, 160 test images",
               *build(g, 600, 160, {k: 2 * v for k, v in ALL_KINDS.items()},
                     benchmark_train(600)),
               note="the training images alone are 7 MiB: flip and compare fingerprints, "
                    "never copies of the whole set")


def _listed(indices, most=8):
    shown = ", ".join(str(i) for i in indices[:most])
    return f"[{shown}{', …' if len(indices) > most else ''}]"


def evaluate(case, expected, got, ctx):
    if type(got) is not torch.Tensor:
        what = got.get("__unsupported__") if isinstance(got, dict) else type(got).__name__
        return Mismatch("type", f"return a tensor of indices, not a {what}")
    if got.dtype == torch.bool:
        return Mismatch("dtype", "return the indices of the leaked test images (int64), not a "
                        "boolean mask: .nonzero().flatten() turns one into the other",
                        "int64", "bool")
    if got.dtype != torch.int64:
        return Mismatch("dtype", f"indices are int64, got {str(got.dtype).replace('torch.', '')}",
                        "int64", str(got.dtype).replace("torch.", ""))
    if got.dim() != 1:
        return Mismatch("shape", f"return a 1-D tensor of indices, got shape {tuple(got.shape)}",
                        "(k,)", str(tuple(got.shape)))
    mine = got.tolist()
    if mine != sorted(set(mine)):
        return Mismatch("values", "list each leaked index once, in ascending order")
    want = set(expected.tolist())
    missed = sorted(want - set(mine))
    extra = sorted(set(mine) - want)
    if missed or extra:
        parts = []
        if missed:
            parts.append(f"missed {len(missed)} leaked test image(s) {_listed(missed)}")
        if extra:
            parts.append(f"flagged {len(extra)} that are not leaks {_listed(extra)}")
        return Mismatch("values", "; ".join(parts) + f" (of {len(want)} leaks)",
                        f"{len(want)} indices", f"{len(mine)} indices")
    return None


CHECK = Check(reference=reference, cases=cases, evaluate=evaluate)
