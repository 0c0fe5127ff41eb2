"""A block whose subclass swaps the conv after `super().__init__()` (bottleneck / expansion variants): Keras sizes the inherited BatchNormalization from the new conv when it is built."""
from tensorflow import keras
from tensorflow.keras import layers


class ConvBN(keras.layers.Layer):
    def __init__(self, filters, **kwargs):
        super().__init__(**kwargs)
        self.conv = layers.Conv2D(filters, 3, padding="same", data_format="channels_first")
        self.bn = layers.BatchNormalization(axis=1)  # case: breaks

    def call(self, x):
        return self.bn(self.conv(x))


class ConvBNExpand(ConvBN):
    """4x wider output (inverted-bottleneck style)."""

    def __init__(self, filters, **kwargs):
        super().__init__(filters, **kwargs)
        self.conv = layers.Conv2D(4 * filters, 1, data_format="channels_first")


def make():
    block = ConvBNExpand(2)
    return [block.conv, block.bn]


def check():
    block = ConvBNExpand(2)
    y = block(keras.Input((3, 5, 5)))
    assert tuple(y.shape) == (None, 8, 5, 5) and tuple(block.bn.gamma.shape) == (8,)


SHAPE = (4, 8, 5, 5)
