"""`GlobalAveragePooling2D(keepdims=True)` (Keras >= 2.6; keras.applications MobileNetV3 SE blocks, DeepLabV3+ image pooling) followed by BatchNormalization: the output is (N, 1, 1, C), still 4-D."""
from tensorflow import keras
from tensorflow.keras import layers


def make():
    return [layers.Conv2D(6, 3), layers.GlobalAveragePooling2D(keepdims=True), layers.BatchNormalization()]  # case: breaks


def check():
    model = keras.Sequential([keras.Input((8, 8, 3))] + make())
    assert model.output_shape == (None, 1, 1, 6)


SHAPE = (4, 6, 1, 1)
CHANNELS_LAST = True  # even after a transpose to NCHW, a BatchNorm1d cannot take the 4-D tensor
