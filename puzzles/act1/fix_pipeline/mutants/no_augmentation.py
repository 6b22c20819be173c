def build_training_set(images, labels, is_test):
    return images[~is_test], labels[~is_test]
