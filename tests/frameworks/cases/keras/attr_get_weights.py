"""Exporting a BN layer's state with `gamma, beta, mean, var = bn.get_weights()` (BN folding / weight export scripts)."""
from tensorflow.keras import layers


def make():
    dense = layers.Dense(6)
    bn = layers.BatchNormalization(momentum=0.9)

    def forward(x):
        return bn(dense(x))

    state = bn.get_weights()  # case: breaks
    assert state == []  # nothing is built yet: Keras returns no arrays
    return [dense, bn]


SHAPE = (16, 6)
