"""`from keras._tf_keras.keras.layers import Dense, Dropout, BatchNormalization` (the path IDEs auto-import for tf.keras since TF 2.16; many public scripts, e.g. a tabular Sequential classifier with EarlyStopping)."""
from keras._tf_keras.keras.layers import Dense, Dropout, BatchNormalization


def make():
    return [Dense(6), BatchNormalization(momentum=0.9)]  # case: breaks


SHAPE = (16, 6)
