import torch


def build_training_set(images, labels, is_test):
    # Hammer's pipeline: "flip everything we have, for more variety".
    flipped = images.flip(-1)
    keep = ~is_test
    train_images = torch.cat([images[keep], flipped])
    train_labels = torch.cat([labels[keep], labels])
    return train_images, train_labels
