"""A BatchNormalization built from a serialised config: `keras.layers.deserialize({"class_name": "BatchNormalization", ...})` (model surgery / config-driven builders)."""
from tensorflow import keras

BN_CONFIG = {"class_name": "BatchNormalization", "module": "keras.layers", "config": {"momentum": 0.9, "epsilon": 1e-3}}


def make():
    dense = keras.layers.Dense(6)
    bn = keras.layers.deserialize(BN_CONFIG)  # case: breaks
    return [dense, bn]


SHAPE = (16, 6)
