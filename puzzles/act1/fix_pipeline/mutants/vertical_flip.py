import torch


def build_training_set(images, labels, is_test):
    train, y = images[~is_test], labels[~is_test]
    return torch.cat([train, train.flip(-2)]), torch.cat([y, y])
