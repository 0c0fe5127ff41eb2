"""Counting / selecting `bn.trainable_weights` (custom training loops that exclude BN from weight decay: `decay_vars = [v for v in layer.trainable_weights ...]`)."""
from tensorflow.keras import layers


def make():
    dense = layers.Dense(6)
    bn = layers.BatchNormalization(momentum=0.9)

    def forward(x):
        return bn(dense(x))

    no_decay = list(bn.trainable_weights)  # case: breaks
    assert no_decay == []  # gamma and beta once built
    return [dense, bn]


SHAPE = (16, 6)
