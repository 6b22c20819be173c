def sequence_mask(values, length):
    return where(arange(values.shape[1]) < length[:, None], values, 0)
