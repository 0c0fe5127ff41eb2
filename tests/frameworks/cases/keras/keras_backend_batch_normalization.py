"""Keras 2 backend BN in a custom layer: `K.batch_normalization(x, mean, var, beta, gamma, epsilon=...)` with `tf.nn.moments` (Keras 2's own BatchNormalization and keras-contrib layers were written this way)."""
import tensorflow as tf
from tensorflow import keras

K = tf.keras.backend


class BackendBN(keras.layers.Layer):
    def __init__(self, momentum=0.9, epsilon=1e-3, **kwargs):
        super().__init__(**kwargs)
        self.momentum, self.epsilon = momentum, epsilon

    def build(self, input_shape):
        c = input_shape[-1]
        self.gamma = self.add_weight(shape=(c,), initializer="ones", name="gamma")
        self.beta = self.add_weight(shape=(c,), initializer="zeros", name="beta")
        self.moving_mean = self.add_weight(shape=(c,), initializer="zeros", trainable=False, name="moving_mean")
        self.moving_variance = self.add_weight(shape=(c,), initializer="ones", trainable=False, name="moving_variance")

    def call(self, inputs, training=False):
        if training:
            mean, variance = tf.nn.moments(inputs, axes=[0])
            self.moving_mean.assign(self.momentum * self.moving_mean + (1 - self.momentum) * mean)
            self.moving_variance.assign(self.momentum * self.moving_variance + (1 - self.momentum) * variance)
            return K.batch_normalization(inputs, mean, variance, self.beta, self.gamma, epsilon=self.epsilon)  # case: breaks
        return K.batch_normalization(  # case: breaks
            inputs, self.moving_mean, self.moving_variance, self.beta, self.gamma, epsilon=self.epsilon)


def make():
    return [BackendBN()]


SHAPE = (16, 6)
