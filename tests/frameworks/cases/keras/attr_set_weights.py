"""Loading statistics with `bn.set_weights([gamma, beta, moving_mean, moving_variance])` after `bn.build(...)` (weight converters and EMA copies: build the copy, then set_weights)."""
import numpy as np
from tensorflow.keras import layers


def make():
    dense = layers.Dense(6)
    bn = layers.BatchNormalization(momentum=0.9)
    ema_bn = layers.BatchNormalization(momentum=0.9)  # the evaluation copy of bn, loaded from a checkpoint

    def forward(x, ema=False):
        h = dense(x)
        return ema_bn(h) if ema else bn(h)

    ema_bn.build((None, 6))  # case: breaks
    ema_bn.set_weights([np.ones(6), np.zeros(6), np.zeros(6), np.ones(6)])  # case: breaks
    return [dense, bn]


SHAPE = (16, 6)
