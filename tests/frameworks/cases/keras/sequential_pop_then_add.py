"""Fine-tuning a Sequential classifier: `model.pop()` drops the old softmax head, then `model.add(BatchNormalization())` normalises the features of the layer that is now last."""
from tensorflow.keras import layers


class Stack(list):
    """Stands in for keras.Sequential() (add/pop): the harness cannot add MindSpore cells to a Keras model."""

    def add(self, layer):
        self.append(layer)


def make():
    model = Stack()
    model.add(layers.Dense(6, activation="relu"))
    model.add(layers.Dense(10, activation="softmax"))
    model.pop()
    model.add(layers.BatchNormalization())  # case: breaks
    return model


SHAPE = (16, 6)
