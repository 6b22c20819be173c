import torch


def first_nonfinite(model, x):
    found = []

    def watch(name):
        def hook(module, args):
            if not found and not torch.isfinite(args[0]).all():
                found.append(name)
        return hook

    # Looks at what a module receives, not at what it produces.
    handles = [m.register_forward_pre_hook(watch(n)) for n, m in model.named_modules()]
    with torch.no_grad():
        model(x)
    for h in handles:
        h.remove()
    return found[0] if found else ""
