"""Freezing a sub-layer through the model object, `model.head.bn.trainable = False` / `net.bn.trainable = False` (fine-tuning scripts that reach into a subclassed model)."""
from tensorflow import keras
from tensorflow.keras import layers


class Head(keras.layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.fc = layers.Dense(6)
        self.bn = layers.BatchNormalization(momentum=0.9)

    def call(self, x):
        return self.bn(self.fc(x))


def make():
    head = Head()
    head.bn.trainable = False  # case: breaks
    return [head.fc, head.bn]


SHAPE = (16, 6)
