import torch

from game.engine.checks import Case, Check, Mismatch, describe

NAMES = {"cuda": "CUDA", "mps": "MPS", "cpu": "CPU"}
ASK = {"cuda": "torch.cuda.is_available", "mps": "torch.backends.mps.is_available"}


IMAGINED = [({"cuda": True, "mps": False}, "a GPU server (CUDA only)"),
            ({"cuda": False, "mps": True}, "a Mac (MPS only)"),
            ({"cuda": True, "mps": True}, "a machine with both CUDA and MPS"),
            ({"cuda": False, "mps": False}, "a laptop with no GPU at all")]


def cases(g):
    yield Case("example: this machine's best device", example=True)
    # Each imagined machine twice, in an order drawn by the seed: only asking gets them right.
    visits = [(m, f"{name}, visit {v}") for m, name in IMAGINED for v in (1, 2)]
    for k in torch.randperm(len(visits), generator=g).tolist():
        machine, name = visits[k]
        yield Case(f"imagined: {name}", machine=machine)


def _type_problem(got, want):
    if isinstance(got, str):
        return Mismatch("type", f"you returned the string {got!r}; the lab wants a torch.device "
                        f"object: wrap the name, torch.device({got!r})", want, describe(got))
    if got is None:
        return Mismatch("type", "your function returned None: did you forget `return`?",
                        want, describe(got))
    if isinstance(got, bool):
        return Mismatch("type", f"you returned {got}, the answer to a question; return the "
                        "device itself, e.g. torch.device('cuda')", want, describe(got))
    if type(got) is torch.Tensor:
        return Mismatch("type", "you returned a tensor; return the device itself (a tensor's "
                        "device is its .device)", want, describe(got))
    return Mismatch("type", f"expected a torch.device, got {describe(got)}", want, describe(got))


def evaluate(case, expected, got, ctx):
    cuda, mps = (bool(case.machine["cuda"]), bool(case.machine["mps"])) if case.machine \
        else (ctx.cuda_available, ctx.mps_available)
    best = "cuda" if cuda else ("mps" if mps else "cpu")
    want = f"torch.device('{best}')"
    if type(got) is not torch.device:
        return _type_problem(got, want)
    has = {"cuda": cuda, "mps": mps, "cpu": True}
    this = "this imagined machine" if case.machine else "this machine"
    seen = f"CUDA available: {cuda}, MPS available: {mps}"
    if got.type != best:
        if got.type in has and not has[got.type]:
            ask = ASK.get(got.type, "torch.cuda.is_available")
            why = (f"{this} has no {NAMES[got.type]} ({seen}). Ask with `{ask}()`: "
                   f"without its parentheses, `{ask}` is a function object, and a function is "
                   "always truthy")
        elif got.type in has:
            why = (f"{this} has {NAMES[best]} ({seen}), which comes first: ask "
                   "`torch.cuda.is_available()`, then `torch.backends.mps.is_available()`, and "
                   "fall back to the CPU")
        else:
            why = (f"`{got.type}` is not one of the three engines; {this} should get "
                   f"{NAMES[best]} ({seen})")
        return Mismatch("values", f"you returned {got}, but {why}", want, repr(got))
    if got.index not in (None, 0):
        return Mismatch("values", f"{got} names device number {got.index}; use the first one "
                        f"(torch.device('{best}') or index 0)", want, repr(got))
    return None


CHECK = Check(cases=cases, evaluate=evaluate, check_mutation=False)
