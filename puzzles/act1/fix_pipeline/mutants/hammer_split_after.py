import torch


def build_training_set(images, labels, is_test, seed):
    # Augment the whole pool, shuffle it, and take as many samples as training needs.
    g = torch.Generator().manual_seed(seed)
    flip = torch.rand(len(images), generator=g) < 0.5
    aug_x = torch.cat([images, torch.where(flip[:, None, None, None], images.flip(-1), images)])
    aug_y = torch.cat([labels, labels])
    order = torch.randperm(len(aug_x), generator=g)[: 2 * int((~is_test).sum())]
    return aug_x[order], aug_y[order]
