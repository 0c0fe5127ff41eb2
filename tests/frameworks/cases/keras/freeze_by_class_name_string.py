"""Freezing BN by class-name string, `if layer.__class__.__name__ == 'BatchNormalization': layer.trainable = False` (public fine-tuning code, e.g. a ResNet50 encoder that freezes `resnet.layers[i]` this way)."""
from tensorflow.keras import layers


def make():
    dense = layers.Dense(6)
    bn = layers.BatchNormalization(momentum=0.9)

    def forward(x):
        return bn(dense(x))

    for layer in (dense, bn):
        if layer.__class__.__name__ == "BatchNormalization":
            layer.trainable = False  # case: breaks
    return [dense, bn]


SHAPE = (16, 6)
