"""Keras 3 style sub-layer building: `def build(self, input_shape): self.dense.build(...); self.bn.build(...)` (Keras 3 subclassing guide: build sub-layers in build()); a built copy of the block is made for weight transfer."""
from tensorflow import keras
from tensorflow.keras import layers


class DenseBN(keras.layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.dense = layers.Dense(units)
        self.bn = layers.BatchNormalization(momentum=0.9)

    def build(self, input_shape):
        self.dense.build(input_shape)
        self.bn.build(self.dense.compute_output_shape(input_shape))  # case: breaks

    def call(self, inputs, training=None):
        return self.bn(self.dense(inputs), training=training)


def make():
    pretrained = DenseBN(6)
    pretrained.build((None, 4))
    block = DenseBN(6)
    return [block.dense, block.bn]


SHAPE = (16, 6)
