from tensorflow import keras

from pkg.layers import BN


def build():
    inputs = keras.Input(shape=(3, 32, 32))
    x = keras.layers.Conv2D(16, 3, data_format="channels_first")(inputs)
    x = BN(axis=1, momentum=0.9)(x)
    return keras.Model(inputs, x)
