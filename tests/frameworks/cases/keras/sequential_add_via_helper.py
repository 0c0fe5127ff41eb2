"""Layers added by a helper, `add_dense_block(model, units)` (VGG-style `add_conv_block(model, filters)` builders), between `model.add(Dense(16))` and `model.add(BatchNormalization())`."""
from tensorflow.keras import layers


class Stack(list):
    """Stands in for keras.Sequential(): the harness cannot add MindSpore cells to a Keras model."""

    def add(self, layer):
        self.append(layer)


def add_dense_block(model, units):
    model.add(layers.Dense(units))
    model.add(layers.Activation("relu"))


def make():
    model = Stack()
    model.add(layers.Dense(16, activation="relu"))
    add_dense_block(model, 6)
    model.add(layers.BatchNormalization())  # case: breaks
    return model


SHAPE = (16, 6)
