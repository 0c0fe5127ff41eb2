"""Channels-first image pooling branch: Conv2D(data_format='channels_first') -> GlobalAveragePooling2D(keepdims=True) -> BatchNormalization(axis=1) (ASPP image-pooling written for NCHW)."""
from tensorflow import keras
from tensorflow.keras import layers


def make():
    return [
        layers.Conv2D(6, 1, data_format="channels_first"),
        layers.GlobalAveragePooling2D(data_format="channels_first", keepdims=True),
        layers.BatchNormalization(axis=1),  # case: breaks
    ]


def check():
    model = keras.Sequential([keras.Input((3, 8, 8))] + make())
    assert model.output_shape == (None, 6, 1, 1)


SHAPE = (4, 6, 1, 1)
