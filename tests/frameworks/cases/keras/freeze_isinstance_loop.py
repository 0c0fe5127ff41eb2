"""keras.io transfer-learning / EfficientNet fine-tuning: `for layer in model.layers: if isinstance(layer, layers.BatchNormalization): layer.trainable = False`."""
from tensorflow.keras import layers


def make():
    dense = layers.Dense(6)
    bn = layers.BatchNormalization(momentum=0.9)

    def forward(x):
        return bn(dense(x))

    for layer in [dense, bn]:
        if isinstance(layer, layers.BatchNormalization):
            layer.trainable = False  # case: breaks
    return [dense, bn]


SHAPE = (16, 6)
