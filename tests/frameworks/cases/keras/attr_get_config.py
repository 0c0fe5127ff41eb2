"""Cloning / inspecting a BN layer through `bn.get_config()` (model surgery: replacing BN by a variant with the same momentum and epsilon)."""
from tensorflow.keras import layers


def make():
    dense = layers.Dense(6)
    bn = layers.BatchNormalization(momentum=0.9)

    def forward(x):
        return bn(dense(x))

    config = bn.get_config()  # case: breaks
    assert config["momentum"] == 0.9
    return [dense, bn]


SHAPE = (16, 6)
