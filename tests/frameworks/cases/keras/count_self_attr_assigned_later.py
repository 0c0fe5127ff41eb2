"""A Layer subclass that declares its norm before the attribute the conv reads: `self.norm = BatchNormalization(axis=1); self.filters = filters; self.conv = Conv2D(self.filters, ...)` (NCHW block)."""
from tensorflow import keras
from tensorflow.keras import layers


class ConvNorm(keras.layers.Layer):
    def __init__(self, filters, **kwargs):
        super().__init__(**kwargs)
        self.norm = layers.BatchNormalization(axis=1)  # case: breaks
        self.filters = filters
        self.conv = layers.Conv2D(self.filters, 3, padding="same", data_format="channels_first")

    def call(self, x):
        return self.norm(self.conv(x))


def make():
    block = ConvNorm(6)
    return [block.conv, block.norm]


SHAPE = (4, 6, 5, 5)
