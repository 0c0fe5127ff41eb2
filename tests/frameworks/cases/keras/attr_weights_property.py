"""Iterating `bn.weights` (checkpoint mapping by variable name, e.g. `for w in layer.weights: mapping[w.name] = ...`)."""
from tensorflow.keras import layers


def make():
    dense = layers.Dense(6)
    bn = layers.BatchNormalization(momentum=0.9)

    def forward(x):
        return bn(dense(x))

    names = [w.path for w in bn.weights]  # case: breaks
    assert names == []  # filled once the layer is built
    return [dense, bn]


SHAPE = (16, 6)
