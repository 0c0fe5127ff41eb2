"""A `freeze_bn()` helper iterating over the block's own BN attributes, `for bn in (self.bn1, self.bn2): bn.trainable = False` (detection backbones freezing BN for small batches)."""
from tensorflow import keras
from tensorflow.keras import layers


class Head(keras.layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.fc1 = layers.Dense(6)
        self.bn1 = layers.BatchNormalization(momentum=0.9)
        self.fc2 = layers.Dense(6)
        self.bn2 = layers.BatchNormalization(momentum=0.9)

    def freeze_bn(self):
        for bn in (self.bn1, self.bn2):
            bn.trainable = False  # case: breaks

    def call(self, x):
        return self.bn2(self.fc2(self.bn1(self.fc1(x))))


def make():
    head = Head()
    head.freeze_bn()
    return [head.fc2, head.bn2]


SHAPE = (16, 6)
