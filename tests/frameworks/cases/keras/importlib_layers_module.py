"""Backend switch through `importlib.import_module("tensorflow.keras.layers")` (libraries that support keras and tf.keras by module name)."""
import importlib

layers = importlib.import_module("tensorflow.keras.layers")


def make():
    return [layers.Dense(6), layers.BatchNormalization(momentum=0.9)]  # case: breaks


SHAPE = (16, 6)
