"""The Keras side of a comparison: a Keras BatchNormalization and its converted MindSpore layer
run on the same batches from the same state (inference, three training steps, moving statistics)."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np

from harness import MindSporeSide, batches, random_state


class KerasSide:
    def __init__(self, layer, state, shape):
        self.layer = layer
        layer.build(shape)
        for name, key in (("gamma", "gamma"), ("beta", "beta"), ("moving_mean", "mean"), ("moving_variance", "var")):
            variable = getattr(layer, name, None)
            if variable is not None:
                variable.assign(state[key])

    def run(self, x, train):
        return np.asarray(self.layer(x, training=train))

    def stats(self):
        return np.asarray(self.layer.moving_mean).copy(), np.asarray(self.layer.moving_variance).copy()


def _diff(a, b) -> float:
    return float(np.max(np.abs(np.asarray(a, np.float64) - np.asarray(b, np.float64))))


def compare(keras_layer, ms_layer, shape, channels_last=False, seed=0) -> dict:
    """Inference on the copied state, then three training steps, on the same batches.
    With channels_last, Keras sees NHWC data and MindSpore the same data transposed to NCHW."""
    state = random_state(shape[1], seed + 1)
    data = batches(shape, 4, seed)
    to_keras = (lambda x: np.moveaxis(x, 1, -1)) if channels_last else (lambda x: x)
    keras_shape = to_keras(data[0]).shape
    keras_side = KerasSide(keras_layer, state, keras_shape)
    ms_side = MindSporeSide(ms_layer, state, affine=getattr(keras_layer, "gamma", None) is not None)
    result = {"inference": _diff(keras_side.run(to_keras(data[3]), False), to_keras(ms_side.run(data[3], False)))}
    train = []
    for x in data[:3]:
        train.append(_diff(keras_side.run(to_keras(x), True), to_keras(ms_side.run(x, True))))
    result["train"] = max(train)
    (keras_mean, keras_var), (ms_mean, ms_var) = keras_side.stats(), ms_side.stats()
    result["moving_mean"] = _diff(keras_mean, ms_mean)
    result["moving_variance"] = _diff(keras_var, ms_var)
    result["relative_moving_variance"] = float(np.max(np.abs(keras_var - ms_var) / np.abs(keras_var)))
    return result
