"""`model.add(Dense(u, input_shape=(timesteps, features)))` then `model.add(BatchNormalization())` (Keras 2 tutorials: the first layer declares a 3-D input; Dense keeps the time axis)."""
from tensorflow.keras import layers


class Stack(list):
    """Stands in for keras.Sequential(): the harness cannot add MindSpore cells to a Keras model."""

    def add(self, layer):
        self.append(layer)


def make():
    model = Stack()
    model.add(layers.Dense(6, input_shape=(6, 3)))
    model.add(layers.BatchNormalization())  # case: breaks
    return model


def check():
    from tensorflow import keras
    model = keras.Sequential(make())
    assert model.output_shape == (None, 6, 6)


SHAPE = (4, 6, 6)  # (N, timesteps=6, units=6): Keras normalises axis -1 (units); fed unchanged to both
