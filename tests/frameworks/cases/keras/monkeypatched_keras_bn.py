"""`tf.keras.layers.BatchNormalization = FrozenBatchNormalization` before building (public code: xcenternet create_efficientnetb0, slideflow "BatchNormFix", deepchem compat patches): the calls that follow build the user's class."""
import contextlib

import tensorflow as tf
from tensorflow.keras import layers


class FrozenBatchNormalization(layers.BatchNormalization):
    """Keeps pretrained statistics: always normalises with the moving mean and variance."""

    def call(self, inputs, training=None):
        return super().call(inputs, training=False)


@contextlib.contextmanager
def frozen_batch_norm():
    original = tf.keras.layers.BatchNormalization
    tf.keras.layers.BatchNormalization = FrozenBatchNormalization
    try:
        yield
    finally:
        tf.keras.layers.BatchNormalization = original


def make():
    with frozen_batch_norm():
        return [tf.keras.layers.Dense(6), tf.keras.layers.BatchNormalization(momentum=0.9)]  # case: breaks


SHAPE = (16, 6)
