import torch


def build_training_set(images, labels, is_test, seed):
    train_x, train_y = images[~is_test], labels[~is_test]
    flip = torch.rand(len(train_x)) < 0.5  # the global generator: new coins at every call
    extra = torch.where(flip[:, None, None, None], train_x.flip(-1), train_x)
    return torch.cat([train_x, extra]), torch.cat([train_y, train_y])
