"""act1.fix_pipeline: split first, then augment — and only the training side."""

import torch

from game.engine.checks import Case, Check, Mismatch

MIN_SHARE, MAX_SHARE = 0.3, 0.7   # mirrored share of the augmented copies, when there are many
SHARE_FROM = 100                  # this many asymmetric training images make the share meaningful
# Over all the cases together (a few thousand coins), the mirrored share must lie within this
# many standard deviations of 1/2: a fair coin fails with odds below one in a million, a coin
# of 0.4 or 0.6 never passes.
TALLY_SIGMAS = 5.0


# -- data --------------------------------------------------------------------------------------

def _key(img):
    return img.contiguous().numpy().tobytes()


def pool(g, n, m, shape, symmetric=0):
    """`n` training and `m` test images, shuffled into one pool with an `is_test` mask. Pixel
    values are k / 255. `symmetric` training images equal their own mirror image. No image
    equals another image or another image's mirror."""
    images = torch.randint(0, 256, (n + m, *shape), generator=g).float() / 255
    w = shape[-1]
    for i in range(symmetric):
        images[i, ..., w - w // 2:] = images[i, ..., : w // 2].flip(-1)
    is_test = torch.arange(n + m) >= n
    order = torch.randperm(n + m, generator=g)
    images, is_test = images[order].contiguous(), is_test[order].contiguous()
    seen = set()
    for img in images:
        keys = {_key(img), _key(img.flip(-1))}
        assert not keys & seen, "case data: a duplicate image"
        seen |= keys
    labels = torch.randint(0, 10, (n + m,), generator=g)
    return images, labels, is_test


def _seed(g):
    return int(torch.randint(0, 2**31 - 1, (1,), generator=g))


def cases(g):
    yield Case("example: six images, two of them test images", *pool(g, 4, 2, (3, 2, 3)), 7,
               example=True)
    shared: dict = {}
    tally = {"flips": 0, "coins": 0}  # coins of every case with a seed of its own
    data = pool(g, 200, 100, (3, 8, 8), symmetric=10)
    seed = _seed(g)
    yield Case("300 images, 100 of them test images", *data, seed,
               data={"role": "first", "shared": shared, "tally": tally})
    yield Case("the same call again: the same seed must mirror the same images", *data, seed,
               data={"role": "again", "shared": shared})
    yield Case("the same images with another seed", *data, seed + 1,
               data={"role": "other", "shared": shared, "tally": tally})
    yield Case("CIFAR-sized: 450 images of (3, 32, 32), 150 of them test images",
               *pool(g, 300, 150, (3, 32, 32), symmetric=5), _seed(g), data={"tally": tally})
    yield Case("no test images at all", *pool(g, 200, 0, (3, 4, 4)), _seed(g),
               data={"tally": tally})
    yield Case("every image is a test image", *pool(g, 0, 5, (3, 4, 4)), _seed(g),
               note="nothing may be yielded: images (0, 3, 4, 4), labels (0,)")
    yield Case("a single training image", *pool(g, 1, 3, (3, 4, 4)), _seed(g))
    yield Case("mirror-symmetric training images", *pool(g, 60, 20, (1, 6, 6), symmetric=20),
               _seed(g), note="an image that is its own mirror image may come out twice as it is",
               data={"tally": tally})
    yield Case("2,500 small images, and the coins of all the cases counted together",
               *pool(g, 2000, 500, (1, 3, 4)), _seed(g), data={"tally": tally, "last": True})


# -- judging -----------------------------------------------------------------------------------

def _name(i, mirrored):
    return f"images[{i}]" + (" mirrored" if mirrored else "")


def _not_found(img, images):
    for what, dims in (("upside down (dimension -2 reversed)", (-2,)),
                       ("rotated by 180°", (-2, -1))):
        hit = (images.flip(dims) == img).flatten(1).all(1).nonzero().flatten()
        if len(hit):
            return f"it is images[{int(hit[0])}] {what}: the mirror image reverses the last " \
                   "dimension, flip(-1)"
    return "it is not one of the training images, nor a mirror image of one"


def _shape_problems(got, images):
    """A Mismatch for a wrong type, shape or dtype, or None and the two tensors."""
    if type(got) is not tuple or len(got) != 2:
        what = got.get("__unsupported__") if isinstance(got, dict) else (
            f"{type(got).__name__} of {len(got)}" if isinstance(got, (tuple, list))
            else type(got).__name__)
        return Mismatch("type", f"return a tuple (train_images, train_labels), got a {what}")
    out_x, out_y = got
    for name, value in (("train_images", out_x), ("train_labels", out_y)):
        if type(value) is not torch.Tensor:
            what = value.get("__unsupported__") if isinstance(value, dict) else \
                type(value).__name__
            return Mismatch("type", f"{name} must be a torch.Tensor, got a {what}")
    trailing = tuple(images.shape[1:])
    if out_x.dim() != images.dim() or tuple(out_x.shape[1:]) != trailing:
        return Mismatch("shape", f"train_images: shape {tuple(out_x.shape)}; each image must "
                        f"keep its shape {trailing}: (count, *{trailing})",
                        f"(2·T, *{trailing})", str(tuple(out_x.shape)))
    if len(out_x) > 2 * len(images):  # checked before any image is walked
        return Mismatch("shape", f"train_images holds {len(out_x):,} images, but the pool has "
                        f"only {len(images):,}: at most two samples (kept and augmented) can "
                        "come from each training image", f"(2·T, *{trailing})",
                        str(tuple(out_x.shape)))
    if out_y.dim() != 1 or len(out_y) != len(out_x):
        return Mismatch("shape", f"train_labels: shape {tuple(out_y.shape)}; expected "
                        f"({len(out_x)},), one label per image", f"({len(out_x)},)",
                        str(tuple(out_y.shape)))
    if out_x.dtype != torch.float32:
        return Mismatch("dtype", "train_images must stay float32, got "
                        f"{str(out_x.dtype).replace('torch.', '')}")
    if out_y.dtype != torch.int64:
        return Mismatch("dtype", "train_labels must stay int64, got "
                        f"{str(out_y.dtype).replace('torch.', '')}")
    return None


def _off(hits, n):
    """Whether `hits` of `n` fair coins is further from n/2 than TALLY_SIGMAS allow."""
    return abs(hits / n - 0.5) > TALLY_SIGMAS * 0.5 / n ** 0.5


def _patterned(mirrored, asym, labels):
    """Why the coins of one case do not look like a coin per image, or None. Independent fair
    coins agree with the coin 1, 2 and 3 images further on about half the time, and land
    heads about half the time within every label."""
    if len(asym) <= SHARE_FROM:
        return None
    pattern = mirrored[torch.tensor(asym)]
    for lag, words in ((1, "neighbouring"), (2, "every second"), (3, "every third")):
        pairs = len(pattern) - lag
        same = int((pattern[lag:] == pattern[:-lag]).sum())
        if _off(same, pairs):
            return (f"in this case, {same:,} of {pairs:,} pairs of {words} training images got "
                    f"the same coin ({same / pairs:.0%}); independent coins agree about half "
                    "the time")
    of_label = labels[torch.tensor(asym)]
    for label in of_label.unique().tolist():
        mine = pattern[of_label == label]
        if len(mine) >= SHARE_FROM and _off(int(mine.sum()), len(mine)):
            return (f"in this case, {int(mine.sum())} of {len(mine)} images labelled {label} "
                    "were mirrored: the coin must not depend on the label")
    return None


def evaluate(case, expected, got, ctx):
    images, labels, is_test, _seed_arg = case.args
    problem = _shape_problems(got, images)
    if problem is not None:
        return problem
    out_x, out_y = got
    lookup = {}
    for i, img in enumerate(images):
        lookup[_key(img.flip(-1))] = (i, True)
        lookup[_key(img)] = (i, False)   # a symmetric image counts as not mirrored
    kept = torch.zeros(len(images), dtype=torch.long)
    mirrored = torch.zeros(len(images), dtype=torch.long)
    for k in range(len(out_x)):
        found = lookup.get(_key(out_x[k]))
        if found is None:
            return Mismatch("values", f"sample {k}: {_not_found(out_x[k], images)}")
        i, flipped = found
        if is_test[i]:
            return Mismatch("values", f"sample {k} is {_name(i, flipped)}, a test image: test "
                            "data leaked into training — split first, then augment only the "
                            "training images")
        if int(out_y[k]) != int(labels[i]):
            return Mismatch("values", f"sample {k} is {_name(i, flipped)} but is labelled "
                            f"{int(out_y[k])}; its label is {int(labels[i])} — an image and its "
                            "label must travel together")
        (mirrored if flipped else kept)[i] += 1
    train = (~is_test).nonzero().flatten().tolist()
    if len(out_x) != 2 * len(train):
        return Mismatch("shape", f"{len(out_x)} samples, but the augmented set has 2 × "
                        f"{len(train)} (every training image twice)", f"{2 * len(train)}",
                        f"{len(out_x)}")
    total = kept + mirrored
    for i in train:
        if total[i] != 2:
            return Mismatch("values", f"images[{i}] (a training image) appears {int(total[i])} "
                            "times; every training image must appear exactly twice: once as it "
                            "is, once as its augmented copy")
        if kept[i] == 0:
            return Mismatch("values", f"images[{i}] appears only mirrored: keep one copy of "
                            "every training image unchanged and mirror only the augmented copy")
    asym = [i for i in train if not torch.equal(images[i], images[i].flip(-1))]
    flips = int(mirrored.sum())
    if len(asym) >= SHARE_FROM:
        share = flips / len(asym)
        if flips == 0:
            return Mismatch("values", "no image was mirrored: the augmentation did not happen "
                            "(each augmented copy is mirrored with probability 1/2)")
        if not MIN_SHARE <= share <= MAX_SHARE:
            return Mismatch("values", f"{flips} of {len(asym)} augmented copies are mirrored "
                            f"({share:.0%}); each must be mirrored with probability 1/2, by a "
                            "coin of its own")
    tally = case.data.get("tally")
    if tally is not None:
        tally["flips"] += flips
        tally["coins"] += len(asym)
        if case.data.get("last") and tally["coins"]:
            n, share = tally["coins"], tally["flips"] / tally["coins"]
            if _off(tally["flips"], n):
                return Mismatch("values", f"over all the cases, {tally['flips']:,} of {n:,} "
                                f"augmented copies were mirrored ({share:.1%}); a fair coin "
                                f"stays within {TALLY_SIGMAS * 50 / n ** 0.5:.1f} points of "
                                "50 % over that many: mirror each copy with probability "
                                "exactly 1/2")
            problem = _patterned(mirrored, asym, labels)
            if problem:
                return Mismatch("values", problem + ": draw one coin per image from the seeded "
                                "generator")
    role, shared = case.data.get("role"), case.data.get("shared")
    if role == "first":
        shared["pattern"] = mirrored
    elif role == "again" and "pattern" in shared:
        if not torch.equal(shared["pattern"], mirrored):
            diff = int((shared["pattern"] != mirrored).sum())
            return Mismatch("values", "the same images and the same seed mirrored a different "
                            f"set of images ({diff} differ): draw the coins from a generator "
                            "seeded with the seed argument")
    elif role == "other" and "pattern" in shared and len(asym) >= SHARE_FROM:
        if torch.equal(shared["pattern"], mirrored):
            return Mismatch("values", "another seed mirrored exactly the same images: the coins "
                            "must come from the seed argument")
    return None


CHECK = Check(cases=cases, evaluate=evaluate, inputs_on_device=False)
