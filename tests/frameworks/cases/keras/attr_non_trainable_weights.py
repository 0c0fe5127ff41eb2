"""Reading the moving statistics through `bn.non_trainable_weights` (BN statistics export / re-estimation code)."""
from tensorflow.keras import layers


def make():
    dense = layers.Dense(6)
    bn = layers.BatchNormalization(momentum=0.9)

    def forward(x):
        return bn(dense(x))

    statistics = list(bn.non_trainable_weights)  # case: breaks
    assert statistics == []  # moving_mean and moving_variance once built
    return [dense, bn]


SHAPE = (16, 6)
