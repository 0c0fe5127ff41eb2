"""`BatchNormalization(axis=1)` after a default (channels_last) Conv2D, as in Theano-era code ported to TF2 (`axis=1` copied from image_dim_ordering='th' examples): Keras normalises the rows (H), not the filters."""
from tensorflow import keras
from tensorflow.keras import layers


def make():
    return [layers.Conv2D(6, 3), layers.BatchNormalization(axis=1)]  # case: breaks


def check():
    model = keras.Sequential([keras.Input((7, 9, 3))] + make())
    assert model.output_shape == (None, 5, 7, 6)
    assert tuple(model.layers[-1].gamma.shape) == (5,)  # one gamma per row


SHAPE = (4, 5, 7, 6)  # the Conv2D output (N, H=5, W=7, filters=6); axis 1 is H; fed unchanged to both
