"""Issue 4 behaviours one at a time: Keras sources and aliases, num_features and class inference,
argument mapping, the channel axis, call-time arguments. Numbers are checked in tests/frameworks."""

import textwrap

import pytest

from conftest import convert_text, without_markers

HEAD = "from tensorflow.keras import layers\n"


def convert(*parts):
    output, result = convert_text("".join(textwrap.dedent(part) for part in parts))
    return output, [(f.line, f.rule, f.severity, f.message) for f in result.findings]


def bn_line(output):
    return next(line.strip() for line in output.splitlines() if "mindspore.nn." in line and not line.lstrip().startswith("#"))


def severities(findings):
    return [s for _, _, s, _ in findings]


# -- sources --

@pytest.mark.parametrize("imports, spelling", [
    ("import tensorflow as tf", "tf.keras.layers.BatchNormalization"),
    ("import keras", "keras.layers.BatchNormalization"),
    ("import tf_keras", "tf_keras.layers.BatchNormalization"),
    ("import tensorflow as tf", "tf.compat.v1.keras.layers.BatchNormalization"),
    ("from keras import layers as L", "L.BatchNormalization"),
    ("from tensorflow.keras.layers import BatchNormalization", "BatchNormalization"),
    ("from keras.layers import BatchNormalization as BN", "BN"),
    ("import tensorflow as tf\nlayers = tf.keras.layers", "layers.BatchNormalization"),
    ("import keras\nL = keras.layers", "L.BatchNormalization"),
])
def test_every_import_form_reaches_batchnormalization(imports, spelling):
    output, _ = convert(f"{imports}\nx = {spelling}(axis=1)(conv)\n")
    assert "mindspore.nn.BatchNorm2d(BNPORT_NUM_FEATURES, momentum=0.99, eps=1e-3)(conv)" in output


def test_a_module_alias_assigned_twice_is_ambiguous_where_both_may_reach():
    source = "import tensorflow as tf\nlayers = tf.keras.layers\nif old:\n    layers = other\nx = layers.BatchNormalization()\n"
    output, findings = convert(source)
    assert without_markers(output) == source
    assert [(line, severity) for line, _, severity, _ in findings] == [(5, "warning")]
    assert "may be any of" in findings[0][3]


def test_a_local_class_named_batchnormalization_is_left_alone():
    source = "class BatchNormalization:\n    pass\nbn = BatchNormalization(axis=1)\n"
    assert convert(source) == (source, [])


# -- num_features and the class --

@pytest.mark.parametrize("producer, expected", [
    ("layers.Conv1D(16, 3)", "BatchNorm1d(16,"),
    ("layers.Conv2D(filters=32, kernel_size=3)", "BatchNorm2d(32,"),
    ("layers.Conv3D(8, 3)", "BatchNorm3d(8,"),
    ("layers.Dense(units=64)", "BatchNorm1d(64,"),
    ("layers.SeparableConv2D(24, 3)", "BatchNorm2d(24,"),
])
def test_count_and_class_come_from_the_layer_before(producer, expected):
    output, _ = convert(HEAD + f"def f(x):\n    x = {producer}(x)\n    x = layers.BatchNormalization(axis=1)(x)\n    return x\n")
    assert expected in bn_line(output)


def test_keepers_pass_the_count_on_and_global_pooling_makes_it_1d():
    output, _ = convert(HEAD, """\
        def f(x):
            x = layers.Conv2D(48, 3)(x)
            x = layers.Activation("relu")(x)
            x = layers.GlobalAveragePooling2D()(x)
            x = layers.Dropout(0.2)(x)
            return layers.BatchNormalization()(x)
    """)
    assert bn_line(output).startswith("return mindspore.nn.BatchNorm1d(48,")


@pytest.mark.parametrize("depthwise, expected", [
    ("layers.DepthwiseConv2D(3, padding='same')", "BatchNorm2d(32,"),
    ("layers.DepthwiseConv2D(3, depth_multiplier=2)", "BNPORT_NUM_FEATURES"),
    ("layers.DepthwiseConv2D(3, 1, 'same', 2)", "BNPORT_NUM_FEATURES"),
])
def test_depthwise_convolution_keeps_the_count_only_without_a_multiplier(depthwise, expected):
    output, _ = convert(HEAD, f"""\
        def f(x):
            x = layers.Conv2D(32, 1)(x)
            x = {depthwise}(x)
            return layers.BatchNormalization(axis=1)(x)
    """)
    assert expected in bn_line(output)


def test_merges_take_the_count_of_any_input_that_shows_it():
    output, _ = convert(HEAD, """\
        def f(x, skip, filters):
            y = layers.Conv2D(filters * 2, 1)(x)
            z = layers.add([skip, y])
            return layers.BatchNormalization(axis=1)(z)
    """)
    assert "BatchNorm2d(filters * 2," in bn_line(output)


def test_the_chain_is_followed_out_of_an_if_but_not_out_of_a_loop():
    output, _ = convert(HEAD, """\
        def f(x, preact):
            x = layers.Conv2D(64, 7)(x)
            if not preact:
                x = layers.BatchNormalization(axis=1)(x)
            for _ in range(2):
                x = layers.BatchNormalization(axis=1)(x)
            return x
    """)
    lines = [line.strip() for line in output.splitlines() if "mindspore.nn." in line]
    assert lines[0].startswith("x = mindspore.nn.BatchNorm2d(64,")
    assert lines[1].startswith("x = mindspore.nn.BatchNorm2d(BNPORT_NUM_FEATURES,")


def test_a_branch_that_may_reassign_the_input_stops_the_chain():
    output, findings = convert(HEAD, """\
        def f(x, wide):
            x = layers.Conv2D(64, 3)(x)
            if wide:
                x = layers.Conv2D(128, 3)(x)
            return layers.BatchNormalization(axis=1)(x)
    """)
    assert "BNPORT_NUM_FEATURES" in bn_line(output)
    assert any(s == "error" and "BNPORT_NUM_FEATURES" in m for _, _, s, m in findings)


def test_the_count_is_not_copied_when_its_name_changes_in_between():
    output, _ = convert(HEAD, """\
        def f(x, filters):
            x = layers.Conv2D(filters, 3)(x)
            filters = filters * 2
            return layers.BatchNormalization(axis=1)(x)
    """)
    assert "BNPORT_NUM_FEATURES" in bn_line(output)


def test_model_add_chain_uses_only_the_same_model():
    output, _ = convert(HEAD, """\
        model.add(layers.Conv2D(32, 3))
        other.add(layers.Dense(5))
        model.add(layers.MaxPooling2D())
        model.add(layers.BatchNormalization(axis=1))
    """)
    assert "BatchNorm2d(32," in bn_line(output)


def test_a_layer_object_is_sized_by_where_it_is_applied():
    output, findings = convert(HEAD, """\
        class Block:
            def __init__(self, width):
                self.fc = layers.Dense(width)
                self.norm = layers.BatchNormalization()

            def call(self, x, training=False):
                return self.norm(self.fc(x), training=training)
    """)
    assert "self.norm = mindspore.nn.BatchNorm1d(width, momentum=0.99, eps=1e-3)" in output
    assert "return self.norm(self.fc(x))" in output
    assert [s for _, _, s, m in findings if "training" in m] == ["warning"]


def test_applications_of_different_widths_leave_the_count_unknown():
    output, _ = convert(HEAD, """\
        bn = layers.BatchNormalization(axis=1)
        a = bn(layers.Conv2D(8, 3)(x))
        b = bn(layers.Conv2D(16, 3)(x))
    """)
    assert "BNPORT_NUM_FEATURES" in bn_line(output)


# -- arguments --

def test_positional_arguments_bind_to_keras_names():
    output, findings = convert(HEAD + "y = layers.BatchNormalization(1, 0.9, 1e-4)(layers.Dense(3)(x))\n")
    assert "mindspore.nn.BatchNorm1d(3, momentum=0.9, eps=1e-4)" in output


def test_center_or_scale_alone_is_reported_and_both_make_affine_false():
    both, _ = convert(HEAD + "y = layers.BatchNormalization(scale=False, center=False)(layers.Dense(3)(x))\n")
    assert "BatchNorm1d(3, affine=False, momentum=0.99, eps=1e-3)" in both
    alone, findings = convert(HEAD + "y = layers.BatchNormalization(center=False)(layers.Dense(3)(x))\n")
    assert "affine" not in bn_line(alone) and "KBN107 removed center=False" in alone
    assert any(s == "warning" and "beta" in m for _, _, s, m in findings)


@pytest.mark.parametrize("value, written, severity", [
    ("'glorot_uniform'", None, "warning"),
    ("init", "gamma_init=init", "warning"),
    ("keras.initializers.RandomNormal(stddev=0.1, seed=3)", "gamma_init=keras.initializers.RandomNormal(stddev=0.1, seed=3)", "warning"),
    ("keras.initializers.RandomNormal(stddev=0.1)", "gamma_init=mindspore.common.initializer.Normal(sigma=0.1, mean=0.0)", None),
    ("'ones'", "gamma_init='ones'", None),
])
def test_initializers_are_mapped_or_reported(value, written, severity):
    output, findings = convert(f"import keras\nfrom keras import layers\ny = layers.BatchNormalization(gamma_initializer={value})(layers.Dense(3)(x))\n")
    line = bn_line(output)
    if written is None:
        assert "gamma_init" not in line
    else:
        assert written in line
    assert ([s for _, _, s, m in findings if "gamma" in m or "initializer" in m] or [None])[0] == severity


def test_synchronized_picks_syncbatchnorm_and_a_variable_is_reported():
    output, _ = convert(HEAD + "y = layers.BatchNormalization(synchronized=True)(layers.Dense(3)(x))\n")
    assert "mindspore.nn.SyncBatchNorm(3, momentum=0.99, eps=1e-3)" in output
    output, findings = convert(HEAD + "y = layers.BatchNormalization(synchronized=flag)(layers.Dense(3)(x))\n")
    assert "BatchNorm1d(3," in bn_line(output) and "warning" in severities(findings)


def test_regularizers_constraints_renorm_and_name_are_removed_visibly():
    output, findings = convert(HEAD + (
        "y = layers.BatchNormalization(gamma_regularizer=reg, beta_constraint=con, renorm=True, name='bn1')"
        "(layers.Dense(3)(x))\n"))
    for removed in ("gamma_regularizer=reg", "beta_constraint=con", "renorm=True", "name='bn1'"):
        assert f"removed {removed} (" in output
    assert severities(findings) == ["warning", "warning", "warning", "info"]


# -- the channel axis --

@pytest.mark.parametrize("producer, axis, expected", [
    ("layers.Conv2D(8, 3)", "", "warning"),       # default -1 on 4-D: channels-last
    ("layers.Conv2D(8, 3)", "axis=3", "warning"),
    ("layers.Conv2D(8, 3)", "axis=-1", "warning"),
    ("layers.Conv2D(8, 3)", "axis=1", "info"),      # channels-first: nothing to do
    ("layers.Conv2D(8, 3)", "axis=2", "warning"),   # neither
    ("layers.Dense(8)", "", None),                  # (N, C): nothing to say
    ("layers.Dense(8)", "axis=1", "info"),
    ("layers.Conv2D(8, 3)", "axis=bn_axis", "warning"),
])
def test_axis_findings_follow_the_rank(producer, axis, expected):
    _, findings = convert(HEAD + f"y = layers.BatchNormalization({axis})({producer}(x))\n")
    got = [s for _, _, s, m in findings if "axis" in m]
    assert got == ([expected] if expected else [])


def test_nhwc_is_never_written():
    output, _ = convert(HEAD + "y = layers.BatchNormalization()(layers.Conv2D(8, 3)(x))\n")
    assert "NHWC" not in bn_line(output) and "data_format" not in bn_line(output)


# -- references, attributes, other APIs --

def test_the_class_used_as_a_value_is_reported_and_left():
    source = HEAD + "def block(x, norm_layer=layers.BatchNormalization):\n    return norm_layer()(x)\n"
    output, findings = convert(source)
    assert without_markers(output) == source
    assert severities(findings) == ["warning"]


def test_layer_attributes_keep_keras_names_and_momentum_is_reported():
    output, findings = convert(HEAD, """\
        bn = layers.BatchNormalization(axis=1)(layers.Conv3D(4, 3)(x))
        norm = layers.BatchNormalization()
        y = norm(layers.Conv3D(4, 3)(x))
        print(norm.gamma, norm.moving_variance, norm.momentum)
    """)
    assert "print(norm.bn2d.gamma, norm.bn2d.moving_variance, norm.momentum)" in output
    assert any("momentum" in m and s == "warning" for _, _, s, m in findings)


@pytest.mark.parametrize("source", [
    "import tensorflow as tf\ny = tf.nn.batch_normalization(x, m, v, None, None, 1e-3)\n",
    "from keras import ops\ny = ops.batch_normalization(x, m, v, axis=1)\n",
    "import tensorflow as tf\ny = tf.compat.v1.layers.batch_normalization(x, training=t)\n",
    "import tf_slim as slim\ny = slim.batch_norm(x, is_training=t)\n",
])
def test_functional_forms_are_reported_naming_the_closest_mindspore_form(source):
    output, findings = convert(source)
    assert without_markers(output) == source
    assert len(findings) == 1 and "mindspore" in findings[0][3]


def test_every_keras_edit_is_approximate():
    _, result = convert_text(HEAD + "y = layers.BatchNormalization(axis=1)(layers.Dense(3)(x))\n")
    assert result.edits and {e.safety for e in result.edits} == {"approximate"}
    _, result = convert_text("import torch.nn as nn\nbn = nn.BatchNorm2d(3)\n")
    assert {e.safety for e in result.edits} == {"exact"}
