"""Inference-time BN with `tf.nn.batch_norm_with_global_normalization(t, m, v, beta, gamma, eps, scale_after_normalization)` (TF 0.x/1.x models, e.g. old Inception/ResNet ports that load frozen statistics)."""
import tensorflow as tf
from tensorflow import keras


class FrozenStatsBN(keras.layers.Layer):
    def build(self, input_shape):
        c = input_shape[-1]
        self.gamma = self.add_weight(shape=(c,), initializer="ones", name="gamma")
        self.beta = self.add_weight(shape=(c,), initializer="zeros", name="beta")
        self.moving_mean = self.add_weight(shape=(c,), initializer="zeros", trainable=False, name="moving_mean")
        self.moving_variance = self.add_weight(shape=(c,), initializer="ones", trainable=False, name="moving_variance")

    def call(self, inputs, training=False):
        return tf.nn.batch_norm_with_global_normalization(  # case: breaks
            inputs, self.moving_mean, self.moving_variance, self.beta, self.gamma, 1e-3, True)


def make():
    return [FrozenStatsBN()]


SHAPE = (4, 6, 6, 6)  # 4-D input with the channels last, as the op requires; square so both sides see the same tensor
