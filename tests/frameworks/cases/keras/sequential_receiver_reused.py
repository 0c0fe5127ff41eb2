"""A script that builds a second `model = Sequential()` under the same name (baseline vs. BN experiment); the second starts with input noise/dropout, then BatchNormalization."""
from tensorflow.keras import layers


class Stack(list):
    """Stands in for keras.Sequential(): the harness cannot add MindSpore cells to a Keras model."""

    def add(self, layer):
        self.append(layer)


def make():
    model = Stack()  # baseline model
    model.add(layers.Dense(32, activation="relu"))
    model.add(layers.Dense(1))
    baseline = model

    model = Stack()  # the model under test: 6 input features
    model.add(layers.GaussianNoise(0.1, input_shape=(6,)))
    model.add(layers.BatchNormalization())  # case: breaks
    return model


SHAPE = (16, 6)
