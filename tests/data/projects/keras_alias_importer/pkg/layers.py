from tensorflow import keras

BN = keras.layers.BatchNormalization


def bn_relu(x):
    x = keras.layers.BatchNormalization()(x)
    return keras.layers.ReLU()(x)
