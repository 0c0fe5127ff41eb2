"""`model.add(...)` inside a `for` loop, then `model.add(BatchNormalization())` (MLP builders: `for units in hidden_units: model.add(Dense(units))`)."""
from tensorflow.keras import layers


class Stack(list):
    """Stands in for keras.Sequential(): the harness cannot add MindSpore cells to a Keras model."""

    def add(self, layer):
        self.append(layer)


def make(hidden_units=(8, 6)):
    model = Stack()
    model.add(layers.Dense(16, activation="relu"))
    for units in hidden_units:
        model.add(layers.Dense(units, activation="relu"))
    model.add(layers.BatchNormalization())  # case: breaks
    return model


SHAPE = (16, 6)
