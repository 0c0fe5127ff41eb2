"""Conv3D (channels-first, e.g. 3-D medical segmentation) then `BatchNormalization(axis=1, synchronized=True)`: the input is 5-D, which mindspore.nn.SyncBatchNorm rejects (2-D or 4-D only)."""
from tensorflow import keras
from tensorflow.keras import layers


def make():
    return [layers.Conv3D(6, 3, data_format="channels_first"), layers.BatchNormalization(axis=1, synchronized=True)]  # case: breaks


def check():
    model = keras.Sequential([keras.Input((2, 6, 6, 6))] + make())
    assert model.output_shape == (None, 6, 4, 4, 4)


SHAPE = (2, 6, 3, 3, 3)
