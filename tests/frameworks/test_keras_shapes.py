"""The infer table (rules/keras.toml [rule.infer.layers]) against Keras itself.

Each case builds a layer on keras.Input tensors and reads Keras' output shape; bnport converts the
same source with a BatchNormalization after the layer. Where bnport writes a count, it must be the
size of the normalised axis in Keras, and the class must be the one for Keras' rank; where the case
says bnport cannot know (the size of an axis the code does not show), bnport must write the
placeholder with an error. Every layer the table names is covered by at least one case.
"""

import os
import re

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import pytest

from bnport.convert import convert_file
from bnport.rules import load_rules

import keras  # noqa: E402

CF = "data_format='channels_first'"

# (the layer applied to the inputs, the input shapes without the batch, the BatchNormalization's axis,
#  whether bnport knows the size of that axis). One input: `x = <layer>(i0)`; several: `<layer>([i0, i1])`.
CASES = [
    ("layers.Conv1D(6, 3)", [(10, 4)], -1, True),
    (f"layers.Conv1D(6, 3, {CF})", [(4, 10)], 1, True),
    ("layers.Conv1D(6, 3)", [(10, 4)], 1, False),  # the steps: not shown
    ("layers.Conv2D(6, 3)", [(7, 7, 4)], -1, True),
    ("layers.Conv2D(6, 3, 1, 'same', 'channels_first')", [(4, 7, 7)], 1, True),
    ("layers.Conv2D(6, 3)", [(7, 9, 4)], 1, False),  # axis 1 of channels-last data: the rows
    (f"layers.Conv3D(6, 3, {CF})", [(4, 6, 6, 6)], 1, True),
    ("layers.Conv3D(6, 3)", [(6, 6, 6, 4)], -1, True),
    ("layers.Convolution1D(6, 3)", [(10, 4)], -1, True),
    ("layers.Convolution2D(6, 3)", [(7, 7, 4)], -1, True),
    ("layers.Convolution3D(6, 3)", [(6, 6, 6, 4)], -1, True),
    ("layers.SeparableConv1D(6, 3)", [(10, 4)], -1, True),
    (f"layers.SeparableConv2D(6, 3, {CF})", [(4, 7, 7)], 1, True),
    ("layers.SeparableConvolution1D(6, 3)", [(10, 4)], -1, True),
    ("layers.SeparableConvolution2D(6, 3)", [(7, 7, 4)], -1, True),
    ("layers.Conv1DTranspose(6, 3)", [(10, 4)], -1, True),
    (f"layers.Conv2DTranspose(6, 3, {CF})", [(4, 5, 5)], 1, True),
    ("layers.Conv2DTranspose(6, 3, 1, 'valid', None, 'channels_first')", [(4, 5, 5)], 1, True),
    ("layers.Conv3DTranspose(6, 3)", [(4, 4, 4, 2)], -1, True),
    (f"layers.Conv3DTranspose(6, 3, {CF})", [(2, 4, 4, 4)], 1, True),
    ("layers.Convolution1DTranspose(6, 3)", [(10, 4)], -1, True),
    ("layers.Convolution2DTranspose(6, 3)", [(5, 5, 4)], -1, True),
    ("layers.Convolution3DTranspose(6, 3)", [(4, 4, 4, 2)], -1, True),
    ("layers.DepthwiseConv1D(3)", [(10, 4)], -1, True),
    ("layers.DepthwiseConv2D(3, depth_multiplier=2)", [(6, 6, 4)], -1, True),
    (f"layers.DepthwiseConv2D(3, 1, 'valid', 3, 'channels_first')", [(4, 6, 6)], 1, True),
    ("layers.Dense(6)", [(4,)], -1, True),
    ("layers.Dense(6)", [(10, 4)], -1, True),
    ("layers.Dense(6)", [(5, 5, 4)], -1, True),
    ("layers.Dense(6)", [(10, 4)], 1, True),  # Dense keeps the other axes
    ("layers.Embedding(100, 6)", [(10,)], -1, True),
    ("layers.LSTM(6, return_sequences=True)", [(10, 4)], -1, True),
    ("layers.LSTM(6)", [(10, 4)], -1, True),
    ("layers.GRU(6, return_sequences=True)", [(10, 4)], -1, True),
    ("layers.SimpleRNN(6)", [(10, 4)], -1, True),
    ("layers.TimeDistributed(layers.Dense(6))", [(10, 4)], -1, True),
    ("layers.TimeDistributed(layers.Conv2D(6, 3))", [(3, 7, 7, 4)], -1, True),
    ("layers.MaxPooling1D()", [(10, 4)], -1, True),
    (f"layers.MaxPooling2D(2, 2, 'valid', 'channels_first')", [(4, 6, 6)], 1, True),
    ("layers.MaxPooling3D()", [(4, 4, 4, 3)], -1, True),
    ("layers.MaxPool1D()", [(10, 4)], -1, True),
    ("layers.MaxPool2D()", [(6, 6, 4)], -1, True),
    ("layers.MaxPool3D()", [(4, 4, 4, 3)], -1, True),
    ("layers.AveragePooling1D(2)", [(10, 4)], -1, True),
    ("layers.AveragePooling2D(2)", [(6, 6, 4)], -1, True),
    (f"layers.AveragePooling3D(2, {CF})", [(3, 4, 4, 4)], 1, True),
    ("layers.AvgPool1D(2)", [(10, 4)], -1, True),
    ("layers.AvgPool2D(2)", [(6, 6, 4)], -1, True),
    ("layers.AvgPool3D(2)", [(4, 4, 4, 3)], -1, True),
    ("layers.MaxPooling2D()", [(6, 6, 4)], 1, False),  # the pooled rows
    ("layers.ZeroPadding1D(2)", [(10, 4)], -1, True),
    (f"layers.ZeroPadding2D(1, {CF})", [(4, 6, 6)], 1, True),
    ("layers.ZeroPadding3D()", [(4, 4, 4, 3)], -1, True),
    ("layers.Cropping1D(1)", [(10, 4)], -1, True),
    ("layers.Cropping2D(1)", [(6, 6, 4)], -1, True),
    ("layers.Cropping3D(1)", [(4, 4, 4, 3)], -1, True),
    ("layers.UpSampling1D()", [(10, 4)], -1, True),
    (f"layers.UpSampling2D(2, {CF})", [(4, 3, 3)], 1, True),
    ("layers.UpSampling3D()", [(2, 2, 2, 3)], -1, True),
    ("layers.GlobalAveragePooling1D()", [(10, 4)], -1, True),
    ("layers.GlobalAveragePooling1D(keepdims=True)", [(10, 4)], -1, True),
    ("layers.GlobalAveragePooling2D()", [(5, 5, 4)], -1, True),
    ("layers.GlobalAveragePooling2D(keepdims=True)", [(5, 5, 4)], -1, True),
    (f"layers.GlobalAveragePooling2D({CF}, keepdims=True)", [(4, 5, 5)], 1, True),
    ("layers.GlobalAveragePooling3D()", [(3, 3, 3, 4)], -1, True),
    ("layers.GlobalMaxPooling1D()", [(10, 4)], -1, True),
    ("layers.GlobalMaxPooling2D(None, True)", [(5, 5, 4)], -1, True),
    ("layers.GlobalMaxPooling3D(keepdims=True)", [(3, 3, 3, 4)], -1, True),
    ("layers.GlobalAvgPool1D()", [(10, 4)], -1, True),
    ("layers.GlobalAvgPool2D()", [(5, 5, 4)], -1, True),
    ("layers.GlobalAvgPool3D()", [(3, 3, 3, 4)], -1, True),
    ("layers.GlobalMaxPool1D()", [(10, 4)], -1, True),
    ("layers.GlobalMaxPool2D()", [(5, 5, 4)], -1, True),
    ("layers.GlobalMaxPool3D()", [(3, 3, 3, 4)], -1, True),
    ("layers.Flatten()", [(5, 5, 4)], -1, True),
    ("layers.Reshape((1, 1, 8))", [(8,)], -1, True),
    ("layers.Reshape((4, -1))", [(8,)], 1, True),
    ("layers.Reshape((4, -1))", [(8,)], -1, False),  # Keras computes the -1
    ("layers.Permute((2, 1))", [(10, 4)], -1, True),
    ("layers.Permute((3, 1, 2))", [(5, 6, 4)], 1, True),
    ("layers.Concatenate()", [(5, 5, 4), (5, 5, 3)], -1, True),
    ("layers.Concatenate(axis=1)", [(4, 5, 5), (3, 5, 5)], 1, True),
    ("layers.concatenate", [(5, 5, 4), (5, 5, 3)], -1, True),
    ("layers.Add()", [(5, 5, 4), (5, 5, 4)], -1, True),
    ("layers.Subtract()", [(10, 4), (10, 4)], -1, True),
    ("layers.Multiply()", [(5, 5, 1), (5, 5, 4)], -1, True),  # broadcast: the 1-channel map does not decide
    ("layers.Multiply()", [(1, 5, 5), (4, 5, 5)], 1, True),
    ("layers.Average()", [(10, 4), (10, 4)], -1, True),
    ("layers.Maximum()", [(10, 4), (10, 4)], -1, True),
    ("layers.Minimum()", [(10, 4), (10, 4)], -1, True),
    ("layers.add", [(5, 5, 4), (5, 5, 4)], -1, True),
    ("layers.subtract", [(4,), (4,)], -1, True),
    ("layers.multiply", [(5, 5, 1), (5, 5, 4)], -1, True),
    ("layers.average", [(4,), (4,)], -1, True),
    ("layers.maximum", [(4,), (4,)], -1, True),
    ("layers.minimum", [(4,), (4,)], -1, True),
    ("layers.Input", [(6, 4)], -1, True),  # x = layers.Input(shape=...) itself
    ("layers.Activation('relu')", [(10, 4)], -1, True),
    ("layers.ReLU()", [(6, 6, 4)], -1, True),
    ("layers.LeakyReLU()", [(4,)], -1, True),
    ("layers.PReLU()", [(4,)], -1, True),
    ("layers.ELU()", [(4,)], -1, True),
    ("layers.Softmax()", [(10, 4)], -1, True),
    ("layers.Dropout(0.5)", [(10, 4)], -1, True),
    ("layers.SpatialDropout1D(0.5)", [(10, 4)], -1, True),
    ("layers.SpatialDropout2D(0.5)", [(6, 6, 4)], -1, True),
    ("layers.SpatialDropout3D(0.5)", [(3, 3, 3, 4)], -1, True),
    ("layers.AlphaDropout(0.5)", [(4,)], -1, True),
    ("layers.GaussianNoise(0.1)", [(4,)], -1, True),
    ("layers.GaussianDropout(0.1)", [(4,)], -1, True),
    ("layers.ActivityRegularization()", [(4,)], -1, True),
    ("layers.Masking()", [(10, 4)], -1, True),
    ("layers.Rescaling(0.5)", [(6, 6, 4)], -1, True),
    ("layers.Identity()", [(4,)], -1, True),
    ("layers.LayerNormalization()", [(10, 4)], -1, True),
    ("layers.GroupNormalization(2)", [(6, 6, 4)], -1, True),
    ("layers.UnitNormalization()", [(4,)], -1, True),
]
SEQUENTIAL = [  # (the layers before the BatchNormalization in a Sequential list, axis, known)
    ("layers.InputLayer(shape=(10, 4)), layers.Dense(6)", -1, True),
    ("layers.Dense(6, input_shape=(10, 4))", -1, True),
    ("layers.InputLayer(batch_shape=(None, 5, 5, 4)), layers.Dense(6)", -1, True),  # Keras 2: batch_input_shape=
    ("layers.Dense(6, input_dim=4)", -1, True),
    ("keras.Input(shape=(5, 5, 4)), layers.Flatten()", -1, True),
]
# Keras 2 layers the installed Keras 3 no longer has (elementwise: the input's shape).
NOT_IN_KERAS_3 = {"ThresholdedReLU"}


def _source(layer: str, inputs: list, axis: int) -> str:
    lines = ["import keras", "from keras import layers", "def make():"]
    for i, shape in enumerate(inputs):
        dtype = ", dtype='int32'" if layer.startswith("layers.Embedding") else ""
        lines.append(f"    i{i} = keras.Input(shape={shape!r}{dtype})")
    if layer == "layers.Input":
        lines.append(f"    x = layers.Input(shape={inputs[0]!r})")
    elif len(inputs) > 1:
        lines.append(f"    x = {layer}([{', '.join(f'i{i}' for i in range(len(inputs)))}])")
    else:
        lines.append(f"    x = {layer}(i0)")
    lines.append(f"    y = layers.BatchNormalization(axis={axis})(x)")
    lines.append("    return x")
    return "\n".join(lines) + "\n"


def _bnport(source: str):
    """(class, count or None, error codes) bnport writes for the BatchNormalization."""
    result = convert_file("case.py", source.encode(), load_rules())
    assert result.status == "changed", (result.status, result.error)
    line = next(l for l in result.converted.decode().splitlines() if "mindspore.nn." in l and not l.lstrip().startswith("#"))
    match = re.search(r"mindspore\.nn\.(BatchNorm[123]d)\(([^,]+),", line)
    count = None if match.group(2) == "BNPORT_NUM_FEATURES" else eval(match.group(2))  # literal arithmetic
    return match.group(1), count, [f.code for f in result.findings if f.severity == "error"]


def _expected_class(rank: int) -> str:
    return {2: "BatchNorm1d", 3: "BatchNorm1d", 4: "BatchNorm2d", 5: "BatchNorm3d"}[rank]


def _check(source: str, axis: int, known: bool, output_shape):
    keras_rank, keras_count = len(output_shape), output_shape[axis]
    klass, count, errors = _bnport(source)
    assert klass == _expected_class(keras_rank), (source, output_shape)
    if known:
        assert (count, errors) == (keras_count, []), (source, output_shape, errors)
    else:
        assert count is None and errors, (source, output_shape)


@pytest.mark.parametrize("layer, inputs, axis, known", CASES, ids=[f"{c[0]}-{c[1]}-axis{c[2]}" for c in CASES])
def test_the_table_says_what_keras_computes(layer, inputs, axis, known):
    source = _source(layer, inputs, axis)
    namespace: dict = {}
    exec(compile(source, "<case>", "exec"), namespace)
    _check(source, axis, known, tuple(namespace["make"]().shape))


@pytest.mark.parametrize("layers_before, axis, known", SEQUENTIAL)
def test_a_sequential_follows_the_declared_input(layers_before, axis, known):
    source = ("import keras\nfrom keras import layers\n"
              f"def make():\n    return keras.Sequential([{layers_before}, layers.BatchNormalization(axis={axis})])\n")
    namespace: dict = {}
    exec(compile(source, "<case>", "exec"), namespace)
    _check(source, axis, known, namespace["make"]().layers[-1].input.shape)


def test_every_layer_in_the_table_has_a_case():
    infer = next(rule.infer for rule in load_rules().rules if rule.infer is not None)
    table = {name.rsplit(".", 1)[-1] for name in infer.layers if name.startswith("keras.layers.")}
    covered = {m for layer, *_ in CASES for m in re.findall(r"layers\.(\w+)", layer)}
    covered |= {m for layers_before, *_ in SEQUENTIAL for m in re.findall(r"layers\.(\w+)", layers_before)}
    assert table - covered - NOT_IN_KERAS_3 == set()
    assert all(not hasattr(keras.layers, name) for name in NOT_IN_KERAS_3)


def test_every_signature_is_the_prefix_keras_has():
    import inspect

    infer = next(rule.infer for rule in load_rules().rules if rule.infer is not None)
    for name, entry in infer.layers.items():
        if not name.startswith("keras.layers.") or not entry.signature or name.rsplit(".", 1)[-1] in NOT_IN_KERAS_3:
            continue
        parameters = list(inspect.signature(getattr(keras.layers, name.rsplit(".", 1)[-1])).parameters)
        assert parameters[: len(entry.signature)] == list(entry.signature), name
