"""act1.find_leaks: which test images are exact copies (or mirror images) of training images."""

import torch

from game.engine.checks import Case, Check, Mismatch

LEAK_KINDS = ("copy", "hflip")


def reference(train, test):
    d = train[0].numel()
    keys = torch.cat([train, train.flip(-1)]).reshape(-1, d).view(torch.int32)
    queries = test.reshape(-1, d).view(torch.int32)
    _, group = torch.unique(torch.cat([keys, queries]), dim=0, return_inverse=True)
    return torch.isin(group[len(keys):], group[: len(keys)]).nonzero().flatten()


# -- data --------------------------------------------------------------------------------------

def pixels(g, shape):
    """Quantised pixel values k / 255, as a loader would produce them (never -0.0, never NaN)."""
    return torch.randint(0, 256, shape, generator=g).float() / 255


def normalised(g, shape):
    """Per-channel normalised values: negative and positive, finite, never zero."""
    x = torch.randn(shape, generator=g) * 1.5 + 0.25
    return torch.where(x == 0, torch.full_like(x, 0.5), x)


def symmetric(img):
    """The image made mirror-symmetric: its horizontal flip is itself."""
    w = img.shape[-1]
    out = img.clone()
    out[..., w - w // 2:] = img[..., : w // 2].flip(-1)
    return out


def nudge(g, img):
    """One value moved by one ulp (the next float32 towards +inf)."""
    flat = img.clone().reshape(-1)
    at = int(torch.randint(0, flat.numel(), (1,), generator=g))
    flat[at] = torch.nextafter(flat[at], torch.tensor(float("inf")))
    return flat.reshape(img.shape)


def transform(g, img, kind):
    if kind == "copy":
        return img.clone()
    if kind == "hflip":
        return img.flip(-1)
    if kind == "vflip":
        return img.flip(-2)
    if kind == "rot180":
        return img.flip(-1, -2)
    if kind == "near":
        return nudge(g, img)
    if kind == "near_hflip":
        return nudge(g, img.flip(-1))
    if kind == "channels":
        return img.roll(1, dims=0)
    raise ValueError(kind)


def build(g, n, m, shape, plan, make=pixels, train=None):
    """`train` (n, *shape) and `test` (m, *shape): `plan` lists (kind, count) of test images
    made from random training images; the rest of test is fresh. Positions are shuffled, and
    every test image's leak status is checked against its kind."""
    if train is None:
        train = make(g, (n, *shape))
    made, kinds = [], []
    for kind, count in plan:
        for _ in range(count):
            src = int(torch.randint(0, len(train), (1,), generator=g))
            made.append(transform(g, train[src], kind))
            kinds.append(kind)
    fresh = m - len(made)
    assert fresh >= 0, "plan larger than the test set"
    rows = made + list(make(g, (fresh, *shape))) if fresh else made
    kinds += ["fresh"] * fresh
    order = torch.randperm(m, generator=g).tolist()
    test = torch.stack([rows[i] for i in order]).contiguous()
    kinds = [kinds[i] for i in order]
    leaked = set(reference(train, test).tolist())
    for i, kind in enumerate(kinds):
        assert (i in leaked) == (kind in LEAK_KINDS), f"case data: test[{i}] ({kind})"
    return train.contiguous(), test


def example():
    train = torch.tensor([[[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]],
                          [[[7.0, 8.0, 9.0], [1.0, 3.0, 5.0]]],
                          [[[2.0, 4.0, 6.0], [8.0, 1.0, 9.0]]]])
    test = torch.stack([
        train[1].clone(),            # 0: an exact copy of train[1]      -> leak
        torch.full((1, 2, 3), 0.5),  # 1: nothing like any train image   -> no
        train[0].flip(-1),           # 2: train[0] mirrored left-right   -> leak
        train[2].flip(-2),           # 3: train[2] upside down           -> no
    ])
    return train, test


def cases(g):
    yield Case("example: a copy, a stranger, a mirror image, an upside-down image",
               *example(), example=True)
    yield Case("exact copies", *build(g, 20, 15, (3, 4, 5), [("copy", 4)]), example=True)
    yield Case("mirror images (last dimension reversed)",
               *build(g, 20, 15, (3, 4, 5), [("hflip", 5)]))
    yield Case("upside-down images are not leaks",
               *build(g, 20, 15, (3, 4, 5), [("vflip", 5), ("rot180", 3), ("copy", 1)]),
               note="only the horizontal flip (the last dimension) counts")
    yield Case("near-duplicates: one value one ulp away",
               *build(g, 30, 20, (3, 4, 4), [("near", 5), ("near_hflip", 4), ("copy", 1)]),
               note="one value moved by torch.nextafter; equality must be exact")
    yield Case("channels in another order are not leaks",
               *build(g, 20, 12, (3, 5, 5), [("channels", 4), ("hflip", 1)]))
    train = pixels(g, (12, 3, 4, 6))
    train = torch.cat([train, train[[2, 5, 5]]])
    t, test = build(g, 0, 10, (3, 4, 6), [("copy", 3), ("hflip", 2)], train=train)
    test = torch.cat([test[:4], train[[2]], test[4:7], train[[5]].flip(-1), test[7:]])
    yield Case("duplicates inside train", t, test,
               note="a test image is reported once, however many train images it matches")
    train = pixels(g, (10, 3, 4, 6))
    t, test = build(g, 0, 5, (3, 4, 6), [("copy", 1)], train=train)
    test = torch.cat([test, test, train[[7]].flip(-1), train[[7]]])
    yield Case("the same image leaked twice into test", t, test,
               note="every test index that leaks is reported")
    yield Case("no leaks at all", *build(g, 25, 25, (3, 4, 5),
                                         [("vflip", 3), ("near", 3), ("channels", 2)]),
               note="the answer is an empty int64 tensor of shape (0,)")
    yield Case("a single training image", *build(g, 1, 6, (3, 4, 5), [("copy", 2), ("hflip", 1),
                                                                          ("vflip", 1)]))
    yield Case("a single test image, leaked", *build(g, 10, 1, (3, 4, 5), [("hflip", 1)]))
    yield Case("a single test image, not leaked", *build(g, 10, 1, (3, 4, 5), [("near", 1)]))
    train = pixels(g, (12, 3, 4, 6))
    train[:6] = torch.stack([symmetric(img) for img in train[:6]])
    t, test = build(g, 0, 10, (3, 4, 6), [("copy", 2), ("hflip", 2), ("vflip", 2)], train=train)
    test = torch.cat([train[[0]], test[:5], train[[3]].flip(-1), test[5:],
                      symmetric(pixels(g, (1, 3, 4, 6)))])
    yield Case("mirror-symmetric images", t, test,
               note="an image that is its own mirror image is still reported once")
    yield Case("one pixel wide: a mirror changes nothing",
               *build(g, 8, 6, (2, 3, 1), [("copy", 1), ("hflip", 1), ("vflip", 2)]))
    yield Case("one pixel tall", *build(g, 8, 6, (3, 1, 6), [("hflip", 2), ("near", 2)]))
    yield Case("normalised values (negative too)",
               *build(g, 40, 30, (3, 5, 7), [("copy", 3), ("hflip", 3), ("vflip", 2),
                                             ("near", 3), ("near_hflip", 2)], make=normalised))
    yield Case("full size: 2000 train and 2000 test images of (3, 16, 16)",
               *build(g, 2000, 2000, (3, 16, 16),
                      [("copy", 30), ("hflip", 30), ("vflip", 20), ("rot180", 10),
                       ("near", 20), ("near_hflip", 20), ("channels", 10)]),
               note="all the tests share one 10 s limit: 2000 × 4000 image pairs are too many "
                    "to compare one by one")


# -- judging -----------------------------------------------------------------------------------

def _why_leak(train, test, m):
    img = test[m]
    for n in range(len(train)):
        if torch.equal(train[n], img):
            return f"it is an exact copy of train[{n}]"
        if torch.equal(train[n].flip(-1), img):
            return f"it is train[{n}] mirrored left-right (last dimension reversed)"
    return "it matches a training image"


def _why_not_leak(train, test, m):
    img = test[m]
    for name, dims in (("upside down (dimension -2 reversed)", (-2,)),
                       ("rotated by 180° (both spatial dimensions reversed)", (-2, -1))):
        hit = (train.flip(dims) == img).flatten(1).all(1).nonzero().flatten()
        if len(hit):
            return f"it is train[{int(hit[0])}] {name}; only the left-right mirror counts"
    if img.shape[0] > 1:
        hit = (train.roll(1, dims=1) == img).flatten(1).all(1).nonzero().flatten()
        if len(hit):
            return f"it is train[{int(hit[0])}] with its channels in another order"
    both = torch.cat([train, train.flip(-1)])
    differ = (both != img).flatten(1).sum(1)
    best = int(differ.argmin())
    n, mirrored = best % len(train), best >= len(train)
    k = int(differ[best])
    if k <= max(3, img.numel() // 50):
        gap = float((both[best] - img).abs().max())
        what = f"train[{n}]" + (" mirrored" if mirrored else "")
        return (f"it is a near-duplicate: it differs from {what} in {k} of {img.numel()} values "
                f"(largest difference {gap:.3g}); a leak must be exactly equal")
    return "it does not equal any training image, nor any mirrored one"


def evaluate(case, expected, got, ctx):
    train, test = case.args
    if type(got) is not torch.Tensor:
        what = got.get("__unsupported__") if isinstance(got, dict) else None
        return Mismatch("type", "return a torch.Tensor of indices, not a "
                        f"{what or type(got).__name__}")
    if got.dtype != torch.int64:
        hint = ""
        if got.is_floating_point() and got.numel() == 0:
            hint = " — torch.tensor([]) is float32: give dtype=torch.int64"
        elif got.dtype == torch.bool:
            hint = " — that is a mask, one flag per test image: mask.nonzero() gives the indices"
        return Mismatch("dtype", f"the indices must be int64 (torch.long), got "
                        f"{str(got.dtype).replace('torch.', '')}{hint}",
                        "int64", str(got.dtype).replace("torch.", ""))
    if got.dim() != 1:
        hint = " — nonzero() gives one column per dimension: flatten it" \
            if got.dim() == 2 and got.shape[-1:] == (1,) else ""
        return Mismatch("shape", f"return a 1-D tensor, got shape {tuple(got.shape)}{hint}",
                        f"({len(expected)},)", str(tuple(got.shape)))
    n_test = len(test)
    if len(got) > n_test:  # checked before reading the values: a huge answer costs nothing
        return Mismatch("shape", f"{len(got):,} indices, but test has only {n_test:,} images: "
                        "report each leaked test image once", f"at most ({n_test},)",
                        str(tuple(got.shape)))
    outside = (got < 0) | (got >= n_test)
    if bool(outside.any()):
        return Mismatch("values", f"index {int(got[outside][0])} is not an index of test "
                        f"(0 … {n_test - 1})")
    values = got.tolist()
    for i in range(1, len(values)):
        if values[i] == values[i - 1]:
            return Mismatch("values", f"index {values[i]} appears more than once: report each "
                            "leaked test image once (torch.unique, or one flag per test image)")
        if values[i] < values[i - 1]:
            return Mismatch("values", f"the indices are not sorted ascending: {values[i - 1]} "
                            f"comes before {values[i]}")
    want = set(expected.tolist())
    have = set(values)
    shown = f"{len(want)} leaks {sorted(want)[:8]}" + ("…" if len(want) > 8 else "")
    found = f"{len(have)} indices {values[:8]}" + ("…" if len(have) > 8 else "")
    missed = sorted(want - have)
    if missed:
        m = missed[0]
        return Mismatch("values", f"test[{m}] is a leak you missed: {_why_leak(train, test, m)}"
                        f" ({len(missed)} missed in all)", shown, found)
    extra = sorted(have - want)
    if extra:
        m = extra[0]
        return Mismatch("values", f"test[{m}] is not a leak: {_why_not_leak(train, test, m)}"
                        f" ({len(extra)} wrongly reported in all)", shown, found)
    return None


CHECK = Check(reference=reference, cases=cases, evaluate=evaluate, inputs_on_device=False)
