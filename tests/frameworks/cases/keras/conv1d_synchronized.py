"""Conv1D (channels-first) then `BatchNormalization(axis=1, synchronized=True)` (Keras 3 replacement of SyncBatchNormalization in multi-GPU audio/time-series models): the input is 3-D, which mindspore.nn.SyncBatchNorm rejects (2-D or 4-D only)."""
from tensorflow import keras
from tensorflow.keras import layers


def make():
    return [layers.Conv1D(6, 3, data_format="channels_first"), layers.BatchNormalization(axis=1, synchronized=True)]  # case: breaks


def check():
    model = keras.Sequential([keras.Input((4, 10))] + make())
    assert model.output_shape == (None, 6, 8)


SHAPE = (4, 6, 8)
