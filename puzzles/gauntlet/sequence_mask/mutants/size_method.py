def sequence_mask(values, length):
    return values * (arange(values.size(1)) < length[:, None])
