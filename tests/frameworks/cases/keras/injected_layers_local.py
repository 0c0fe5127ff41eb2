"""efficientnet (qubvel) model.py:128/308: `backend, layers, models, keras_utils = get_submodules_from_kwargs(kwargs)` inside the builder, then `layers.BatchNormalization(axis=bn_axis, ...)`."""
from tensorflow import keras


def get_submodules_from_kwargs(kwargs):
    # efficientnet/__init__.py:25; inject_tfkeras_modules() passes tensorflow.keras.layers
    return kwargs.get("backend"), kwargs.get("layers"), kwargs.get("models"), kwargs.get("utils")


def head(**kwargs):
    backend, layers, models, keras_utils = get_submodules_from_kwargs(kwargs)
    return [layers.Dense(6), layers.BatchNormalization(axis=1, name="top_bn")]  # case: breaks


def make():
    return head(backend=keras.backend, layers=keras.layers, models=keras.models, utils=keras.utils)


SHAPE = (16, 6)
