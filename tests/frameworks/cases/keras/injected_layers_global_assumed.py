"""With `assume = {layers = "keras.layers"}` (CONFIG): keras-applications' module-level `layers = None`, filled by `global layers; ... = get_submodules_from_kwargs(kwargs)` (keras_applications/resnet50.py:31-32, 193, 231; mobilenet_v2.py; densenet.py)."""
from tensorflow import keras

backend = None
layers = None


def get_submodules_from_kwargs(kwargs):
    # keras_applications/__init__.py:13 (keras.applications passes backend=..., layers=...)
    return kwargs.get("backend"), kwargs.get("layers")


def head(**kwargs):
    global backend, layers
    backend, layers = get_submodules_from_kwargs(kwargs)
    return [layers.Dense(6, input_dim=4), layers.BatchNormalization(axis=1, epsilon=1.001e-5)]  # case: breaks


def make():
    return head(backend=keras.backend, layers=keras.layers)


SHAPE = (16, 6)
CONFIG = {"assume": {"backend": "keras.backend", "layers": "keras.layers"}}
