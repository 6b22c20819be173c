def predict(model, x):
    modes = [(m, m.training) for m in model.modules()]
    for p in model.parameters():
        p.requires_grad_(False)
    model.eval()
    out = model(x)
    for m, flag in modes:
        m.train(flag)
    return out
