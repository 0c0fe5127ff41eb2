"""A conditional `model.add(...)` before `model.add(BatchNormalization())` (e.g. `if deep: model.add(Dense(...))` in hyper-parameter search builders)."""
from tensorflow.keras import layers


class Stack(list):
    """Stands in for keras.Sequential(): the harness cannot add MindSpore cells to a Keras model."""

    def add(self, layer):
        self.append(layer)


def make(bottleneck=True):
    model = Stack()
    model.add(layers.Dense(16, activation="relu"))
    if bottleneck:
        model.add(layers.Dense(6, activation="relu"))
    model.add(layers.BatchNormalization())  # case: breaks
    return model


SHAPE = (16, 6)
