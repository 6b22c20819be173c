import torch


def first_nonfinite(model, x):
    names = {m: n for n, m in model.named_modules()}
    found = []

    def hook(module, args, out):
        if not found and not torch.isfinite(out).all():
            found.append(names[module])

    for m in names:
        m.register_forward_hook(hook)
    with torch.no_grad():
        model(x)
    return found[0] if found else ""
