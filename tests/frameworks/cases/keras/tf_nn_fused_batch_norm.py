"""tpu models/official/amoeba_net/network_utils.py:729-739: batch norm written with `tf.nn.fused_batch_norm` under `import tensorflow.compat.v1 as tf` (training and inference branches), next to a tf.nn.batch_normalization that bnport does report."""
import tensorflow.compat.v1 as tf
from tensorflow import keras


class FusedBN(keras.layers.Layer):
    def __init__(self, decay=0.9, epsilon=1e-3, **kwargs):
        super().__init__(**kwargs)
        self.decay, self.epsilon = decay, epsilon

    def build(self, input_shape):
        c = input_shape[1]
        self.gamma = self.add_weight(shape=(c,), initializer="ones", name="gamma")
        self.beta = self.add_weight(shape=(c,), initializer="zeros", name="beta")
        self.moving_mean = self.add_weight(shape=(c,), initializer="zeros", trainable=False, name="moving_mean")
        self.moving_variance = self.add_weight(shape=(c,), initializer="ones", trainable=False, name="moving_variance")

    def call(self, inputs, training=False):
        if training:
            outputs, mean, variance = tf.nn.fused_batch_norm(  # case: breaks
                inputs, self.gamma, self.beta, epsilon=self.epsilon, data_format="NCHW")
            self.moving_mean.assign(self.decay * self.moving_mean + (1 - self.decay) * mean)
            self.moving_variance.assign(self.decay * self.moving_variance + (1 - self.decay) * variance)
            return outputs
        outputs, _, _ = tf.nn.fused_batch_norm(  # case: breaks
            inputs, self.gamma, self.beta, mean=self.moving_mean, variance=self.moving_variance,
            epsilon=self.epsilon, is_training=False, data_format="NCHW")
        return outputs


def make():
    return [FusedBN()]


SHAPE = (4, 6, 5, 5)
