"""`bn.gamma.assign(...)` / `bn.moving_variance.assign(...)` on a built layer (tf.Variable API; ported-weights loaders, BN re-calibration, EMA copies)."""
import numpy as np
from tensorflow.keras import layers


def make():
    dense = layers.Dense(6)
    bn = layers.BatchNormalization(momentum=0.9)
    ema_bn = layers.BatchNormalization(momentum=0.9)  # the evaluation copy of bn

    def forward(x, ema=False):
        h = dense(x)
        return ema_bn(h) if ema else bn(h)

    ema_bn.build((None, 6))  # case: breaks
    ema_bn.gamma.assign(np.full(6, 0.5, np.float32))  # case: breaks
    ema_bn.moving_variance.assign(np.full(6, 2.0, np.float32))  # case: breaks
    return [dense, bn]


SHAPE = (16, 6)
