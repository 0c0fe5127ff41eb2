"""Squeeze-excite written with Dense on a (N, 1, 1, C) tensor (the titu1994/keras-squeeze-excite-network style: Reshape((1, 1, filters)) then Dense(filters // ratio)), followed by a BatchNormalization: the output stays 4-D."""
from tensorflow import keras
from tensorflow.keras import layers


def make():
    reshape = layers.Reshape((1, 1, 8))
    dense = layers.Dense(6, activation="relu")
    bn = layers.BatchNormalization()  # case: breaks

    def se_branch(x):
        return bn(dense(reshape(layers.GlobalAveragePooling2D()(x))))

    return [reshape, dense, bn]


def check():
    inputs = keras.Input((5, 5, 8))
    reshape, dense, bn = make()
    y = bn(dense(reshape(layers.GlobalAveragePooling2D()(inputs))))
    assert tuple(y.shape) == (None, 1, 1, 6)


SHAPE = (4, 6, 1, 1)  # channels-first view of (N, 1, 1, 6)
CHANNELS_LAST = True
