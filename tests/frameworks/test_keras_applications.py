"""keras-applications' ResNet50 and MobileNetV2 (fixtures/keras/applications_*), layer by layer.

Both files bind `layers`/`backend` at run time; their fixtures convert them with the `assume` key.
The original model is built with tf.keras, recording every BatchNormalization's arguments and its
input. The converted file is built the same way, with each `mindspore.nn.BatchNorm*(count, ...)`
it writes evaluated where it stands (so `filters1`, `expansion * in_channels if block_id else
in_channels` take the values of that call) and checked against the tensor it is applied to; a Keras
BatchNormalization stands in for it so the rest of the model builds. Then each distinct layer is
built on both sides with that size, and the numbers are compared (keras_harness, channels-last
data transposed for MindSpore, as the report's channels-last warning says).
"""

import builtins
import importlib
import os
import shutil
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import pytest

import mindspore as ms
import tensorflow as tf

from harness import TOLERANCE
from keras_harness import compare

from bnport.config import load as load_config
from bnport.convert import convert_file
from bnport.model import Options
from bnport.rules import load_rules

ROOT = Path(__file__).resolve().parents[2]
SUPPORT = Path(__file__).resolve().parent / "keras_applications_support"
MODELS = {"resnet50": ("ResNet50", (64, 64, 3)), "mobilenet_v2": ("MobileNetV2", (96, 96, 3))}
CLASSES = {"BatchNorm1d": (2, 3), "BatchNorm2d": (4,), "BatchNorm3d": (5,)}


class _Recording:
    """tf.keras.layers, with every BatchNormalization recorded (its arguments, the tensor it gets)."""

    def __init__(self, made: list):
        self._made = made

    def __getattr__(self, name):
        return getattr(tf.keras.layers, name)

    def BatchNormalization(self, **kwargs):  # noqa: N802 - Keras' name
        layer = tf.keras.layers.BatchNormalization(**kwargs)
        self._made.append((kwargs, layer))
        return layer


def _build(tmp_path: Path, module: str, source: str, name: str, seen: list):
    package = tmp_path / "keras_applications"
    shutil.rmtree(package, ignore_errors=True)
    package.mkdir(parents=True)
    shutil.copy(SUPPORT / "package_init.py", package / "__init__.py")
    shutil.copy(SUPPORT / "imagenet_utils.py", package / "imagenet_utils.py")
    (package / f"{module}.py").write_text(source)
    sys.path.insert(0, str(tmp_path))
    try:
        for key in [k for k in sys.modules if k == "keras_applications" or k.startswith("keras_applications.")]:
            del sys.modules[key]
        loaded = importlib.import_module(f"keras_applications.{module}")
        builder, shape = MODELS[module]
        layers = _Recording(seen)
        getattr(loaded, builder)(weights=None, input_shape=shape, include_top=False, backend=tf.keras.backend,
                                 layers=layers, models=tf.keras.models, utils=tf.keras.utils)
    finally:
        sys.path.remove(str(tmp_path))


def _converted_layers(after: str) -> list:
    """Build the converted module with each MindSpore BatchNorm call recorded where it is evaluated."""
    made = []

    def probe(klass):
        def build(num_features, **kwargs):
            def apply(x):
                made.append((klass, num_features, kwargs, tuple(x.shape)))
                return tf.keras.layers.BatchNormalization(momentum=kwargs["momentum"], epsilon=kwargs["eps"])(x)
            return apply
        return build

    return made, {f"_bnport_{k}": probe(k) for k in CLASSES}


@pytest.mark.parametrize("module", sorted(MODELS))
def test_every_batchnorm_is_sized_as_keras_sizes_it_and_computes_the_same(module, tmp_path):
    fixture = ROOT / "fixtures" / "keras" / f"applications_{module}"
    before, after = (fixture / "before.py").read_text(), (fixture / "after.py").read_text()
    config = load_config(fixture / "bnport.toml")  # assume = {layers = "keras.layers", ...}
    result = convert_file("before.py", before.encode(), load_rules(), Options(assume=config.assume))
    assert result.converted.decode() == after
    assert "BNPORT_NUM_FEATURES" not in after

    original: list = []
    _build(tmp_path / "original", module, before, "original", original)

    made, probes = _converted_layers(after)
    instrumented = after
    for klass in CLASSES:
        instrumented = instrumented.replace(f"mindspore.nn.{klass}(", f"_bnport_{klass}(")
    for name, probe in probes.items():
        setattr(builtins, name, probe)
    try:
        _build(tmp_path / "converted", module, instrumented, "converted", [])
    finally:
        for name in probes:
            delattr(builtins, name)

    assert len(made) == len(original) > 0
    compared = set()
    for (klass, count, ms_kwargs, shape), (keras_kwargs, keras_layer) in zip(made, original, strict=True):
        keras_input = tuple(keras_layer.input.shape)
        assert shape == keras_input
        assert len(shape) in CLASSES[klass]
        axis = keras_layer.axis if isinstance(keras_layer.axis, int) else keras_layer.axis[0]
        assert count == keras_input[axis] == keras_layer.gamma.shape[0]
        key = (klass, count, tuple(sorted(ms_kwargs.items())), tuple(sorted((k, v) for k, v in keras_kwargs.items() if k != "name")))
        if key in compared:
            continue
        compared.add(key)
        keras_bn = tf.keras.layers.BatchNormalization(**{k: v for k, v in keras_kwargs.items() if k != "name"})
        ms_bn = getattr(ms.nn, klass)(count, **ms_kwargs)
        differences = compare(keras_bn, ms_bn, (4, count, 3, 3), channels_last=True)
        n = 4 * 3 * 3
        # The harness's channel c has mean 2 + 0.7c and spread 3 (1 + 0.3c): float32 rounds relative to that.
        tolerance = TOLERANCE * max(1.0, 0.1 * count)
        assert max(differences["inference"], differences["train"], differences["moving_mean"]) <= tolerance, (key, differences)
        assert differences["relative_moving_variance"] <= 2.0 / (n - 1), (key, differences)
    assert compared
