# ruff: noqa: F821 - the exam hands these names in
def sequence_mask(values, length):
    return where(arange(values.shape[1]) < length[:, None], values, 0)
