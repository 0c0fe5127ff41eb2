"""Spatial attention gate `Multiply()([attention, x])` with a 1-channel sigmoid map first (CBAM / attention U-Net gates, written channels-first), then BatchNormalization(axis=1): Keras broadcasts, the output has x's channels."""
from tensorflow import keras
from tensorflow.keras import layers


def make():
    features = layers.Conv2D(6, 3, padding="same", data_format="channels_first")
    attention = layers.Conv2D(1, 1, activation="sigmoid", data_format="channels_first")
    gate = layers.Multiply()
    bn = layers.BatchNormalization(axis=1)  # case: breaks

    def block(inputs):
        x = features(inputs)
        a = attention(x)
        y = gate([a, x])
        return bn(y)

    return [features, attention, gate, bn]


def check():
    features, attention, gate, bn = make()
    inputs = keras.Input((3, 5, 5))
    x = features(inputs)
    y = bn(gate([attention(x), x]))
    assert tuple(y.shape) == (None, 6, 5, 5)


SHAPE = (4, 6, 5, 5)
