"""Caffe/PyTorch -> TF weight converters: `gamma_initializer=tf.constant_initializer(weights['gamma'])` with a per-channel list."""
import tensorflow as tf

WEIGHTS = {"gamma": [1.0, 0.9, 1.1, 1.2, 0.8, 1.0], "mean": [0.1, 0.0, -0.1, 0.2, 0.0, 0.3]}


def make():
    return [
        tf.keras.layers.Dense(6),
        tf.keras.layers.BatchNormalization(  # case: breaks
            gamma_initializer=tf.constant_initializer(WEIGHTS["gamma"]),
            moving_mean_initializer=tf.constant_initializer(WEIGHTS["mean"]),
        ),
    ]


SHAPE = (16, 6)
