import torch


def build_training_set(images, labels, is_test, seed):
    # The leak is fixed by removing the augmentation altogether.
    train_x, train_y = images[~is_test], labels[~is_test]
    return torch.cat([train_x, train_x]), torch.cat([train_y, train_y])
