"""Selecting BN layers by their Keras name, `if layer.name.endswith('_bn')` (keras-applications names them 'conv1_bn', 'block1_expand_bn', ...; fine-tuning code freezes them by name)."""
from tensorflow.keras import layers


def make():
    dense = layers.Dense(6)
    bn = layers.BatchNormalization(momentum=0.9, name="fc1_bn")

    def forward(x):
        return bn(dense(x))

    frozen = bn.name.endswith("_bn")  # case: breaks
    bn.trainable = not frozen
    return [dense, bn]


SHAPE = (16, 6)
