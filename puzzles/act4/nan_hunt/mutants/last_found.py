import torch


def first_nonfinite(model, x):
    found = []

    def watch(name):
        def hook(module, args, out):
            if not torch.isfinite(out).all():
                found.append(name)
        return hook

    handles = [m.register_forward_hook(watch(n)) for n, m in model.named_modules() if n]
    with torch.no_grad():
        model(x)
    for h in handles:
        h.remove()
    return found[-1] if found else ""
