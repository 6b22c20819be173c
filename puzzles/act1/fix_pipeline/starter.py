import torch


def build_training_set(images, labels, is_test, seed):
    """Rudolf Hammer's augmentation pipeline, as committed the night before the deadline."""
    g = torch.Generator().manual_seed(seed)
    train_x, train_y = images[~is_test], labels[~is_test]
    # "More variety for the augmenter: let it draw from everything we have." — R. H.
    pick = torch.randint(len(images), (len(train_x),), generator=g)
    flip = torch.rand(len(train_x), generator=g) < 0.5
    extra = torch.where(flip[:, None, None, None], images[pick].flip(-1), images[pick])
    return torch.cat([train_x, extra]), torch.cat([train_y, labels[pick]])
