import torch


def first_nonfinite(model, x):
    bad = set()

    def watch(name):
        def hook(module, args, out):
            if not torch.isfinite(out).all():
                bad.add(name)
        return hook

    handles = [m.register_forward_hook(watch(n)) for n, m in model.named_modules() if n]
    with torch.no_grad():
        model(x)
    for h in handles:
        h.remove()
    # The first in the order the modules were declared, not the order they ran.
    for name, _ in model.named_modules():
        if name in bad:
            return name
    return ""
