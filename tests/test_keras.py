"""Issue 4 behaviours one at a time: Keras sources and aliases, num_features and class inference,
argument mapping, the channel axis, call-time arguments. Numbers are checked in tests/frameworks."""

import textwrap

import pytest

from bnport.convert import convert_file
from bnport.model import Options
from bnport.rules import load_rules
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
    ("import keras_core as keras", "keras.layers.BatchNormalization"),
    ("from keras._tf_keras.keras.layers import BatchNormalization", "BatchNormalization"),
    ("import tf_keras", "tf_keras.layers.BatchNormalization"),
    ("from keras.layers.normalization import BatchNormalization", "BatchNormalization"),
    ("from keras.layers.normalization_v2 import BatchNormalization", "BatchNormalization"),
    ("from tensorflow.python.keras.layers.normalization import BatchNormalization", "BatchNormalization"),
    ("from keras.src.layers.normalization.batch_normalization import BatchNormalization", "BatchNormalization"),
    ("import keras.api._v2.keras as keras", "keras.layers.BatchNormalization"),
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

CF = "data_format='channels_first'"


def codes(source):
    _, result = convert_text(textwrap.dedent(source))
    return [f.code for f in result.findings]


@pytest.mark.parametrize("producer, expected", [
    (f"layers.Conv1D(16, 3, {CF})", "BatchNorm1d(16,"),
    (f"layers.Conv2D(filters=32, kernel_size=3, {CF})", "BatchNorm2d(32,"),
    (f"layers.Conv3D(8, 3, {CF})", "BatchNorm3d(8,"),
    (f"layers.SeparableConv2D(24, 3, {CF})", "BatchNorm2d(24,"),
    ("layers.Conv2D(24, 3, 1, 'same', 'channels_first')", "BatchNorm2d(24,"),
])
def test_count_and_class_come_from_the_layer_before(producer, expected):
    output, _ = convert(HEAD + f"def f(x):\n    x = {producer}(x)\n    x = layers.BatchNormalization(axis=1)(x)\n    return x\n")
    assert expected in bn_line(output)


def test_channels_last_convolutions_give_their_count_on_the_last_axis_only():
    output, findings = convert(HEAD, """\
        def f(x):
            x = layers.Conv2D(32, 3)(x)
            a = layers.BatchNormalization()(x)
            b = layers.BatchNormalization(axis=1)(x)
    """)
    lines = [line.strip() for line in output.splitlines() if "mindspore.nn." in line and not line.lstrip().startswith("#")]
    assert lines[0].startswith("a = mindspore.nn.BatchNorm2d(32,")  # with the channels-last warning
    assert lines[1].startswith("b = mindspore.nn.BatchNorm2d(BNPORT_NUM_FEATURES,")  # axis 1 is the rows here
    assert [(s, m.split(":")[0]) for _, _, s, m in findings if s == "error"] == [
        ("error", "num_features cannot be inferred")]


def test_dense_keeps_the_rank_of_its_input():
    source = HEAD + "inputs = layers.Input(shape=({}))\ny = layers.BatchNormalization()(layers.Dense(6)(inputs))\n"
    output, findings = convert(source.format("4,"))
    assert "BatchNorm1d(6," in bn_line(output) and findings == []
    output, findings = convert(source.format("10, 4"))  # (N, 10, 6): Keras normalises the last axis
    assert "BatchNorm1d(6," in bn_line(output) and [f[2] for f in findings] == ["warning"]
    output, findings = convert(source.format("5, 5, 4"))
    assert "BatchNorm2d(6," in bn_line(output)


def test_dense_on_an_input_of_unknown_rank_gives_the_count_and_an_error_on_the_class():
    output, _ = convert(HEAD + "model = [layers.Dense(6), layers.BatchNormalization()]\n")
    assert "BatchNorm1d(6," in bn_line(output)
    assert codes(HEAD + "model = [layers.Dense(6), layers.BatchNormalization()]\n") == ["KBN125"]


@pytest.mark.parametrize("declared", ["input_shape=(6, 3)", "batch_input_shape=(None, 6, 3)"])
def test_the_input_a_first_layer_declares_gives_the_rank(declared):
    source = HEAD + f"model = Sequential()\nmodel.add(layers.Dense(6, {declared}))\nmodel.add(layers.BatchNormalization())\n"
    output, findings = convert(source)
    # (N, 6, 6), channels-last; the layer handed to the Keras model is also reported, as info
    assert "BatchNorm1d(6," in bn_line(output) and [f[2] for f in findings if f[2] != "info"] == ["warning"]
    # only a model's first layer declares its input: a model made out of sight may have layers already
    assert [c for c in codes(source.replace("model = Sequential()\n", "")) if c != "BNP022"] == ["KBN125"]


def test_a_name_a_function_may_rebind_through_global_is_not_followed():
    output, _ = convert(HEAD, f"""\
        x = layers.Conv2D(8, 3, {CF})(inputs)
        def widen():
            global x
            x = layers.Conv2D(16, 3, {CF})(x)
        widen()
        y = layers.BatchNormalization(axis=1)(x)
    """)
    assert "BNPORT_NUM_FEATURES" in bn_line(output)


def test_input_dim_declares_a_2d_input():
    assert codes(HEAD + "m = [layers.Dense(6, input_dim=4), layers.BatchNormalization()]\n") == []


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


@pytest.mark.parametrize("keepdims, expected", [("keepdims=True", "BatchNorm2d(48,"), ("", "BatchNorm1d(48,"),
                                                ("keepdims=flag", "BNPORT_NUM_FEATURES")])
def test_global_pooling_with_keepdims_keeps_the_rank(keepdims, expected):
    output, _ = convert(HEAD + f"y = layers.BatchNormalization()(layers.GlobalAveragePooling2D({keepdims})(layers.Conv2D(48, 3)(x)))\n")
    assert expected in bn_line(output)


@pytest.mark.parametrize("depthwise, expected", [
    ("layers.DepthwiseConv2D(3, padding='same')", "BatchNorm2d(32,"),
    ("layers.DepthwiseConv2D(3, depth_multiplier=2)", "BatchNorm2d(64,"),
    ("layers.DepthwiseConv2D(3, 1, 'same', 2)", "BatchNorm2d(64,"),
    ("layers.DepthwiseConv2D(3, depth_multiplier=m)", "BatchNorm2d(32 * m,"),
    ("layers.DepthwiseConv2D(3, **options)", "BNPORT_NUM_FEATURES"),
])
def test_depthwise_convolution_multiplies_the_count(depthwise, expected):
    output, _ = convert(HEAD, f"""\
        def f(x, m):
            x = layers.Conv2D(32, 1)(x)
            x = {depthwise}(x)
            return layers.BatchNormalization()(x)
    """)
    assert expected in bn_line(output)


def test_merges_broadcast_and_a_one_channel_map_does_not_decide():
    output, _ = convert(HEAD, f"""\
        def f(x):
            features = layers.Conv2D(6, 3, padding="same", {CF})(x)
            attention = layers.Conv2D(1, 1, {CF})(features)
            y = layers.Multiply()([attention, features])
            return layers.BatchNormalization(axis=1)(y)
    """)
    assert "BatchNorm2d(6," in bn_line(output)


def test_a_merge_with_an_input_of_unknown_rank_gives_the_count_but_not_the_class():
    source = HEAD + textwrap.dedent("""\
        def f(x, skip, filters):
            y = layers.Conv2D(filters * 2, 1)(x)
            z = layers.add([skip, y])
            return layers.BatchNormalization()(z)
    """)
    output, _ = convert(source)
    assert "filters * 2," in bn_line(output) and codes(source) == ["KBN125"]


def test_concatenate_sums_the_channels_where_all_are_known():
    output, _ = convert(HEAD, """\
        def f(x, n):
            a = layers.Conv2D(4, 1)(x)
            b = layers.Conv2D(n, 1)(x)
            c = layers.concatenate([a, b])
            return layers.BatchNormalization()(c)
    """)
    assert "BatchNorm2d(4 + n," in bn_line(output)


def test_flatten_and_reshape_follow_the_input():
    output, _ = convert(HEAD + "i = layers.Input(shape=(5, 5, 4))\ny = layers.BatchNormalization()(layers.Flatten()(i))\n")
    assert "BatchNorm1d(100," in bn_line(output)
    output, _ = convert(HEAD + "y = layers.BatchNormalization()(layers.Reshape((1, 1, 8))(x))\n")
    assert "BatchNorm2d(8," in bn_line(output)


def test_the_chain_is_followed_out_of_an_if_but_not_out_of_a_loop():
    output, _ = convert(HEAD, f"""\
        def f(x, preact):
            x = layers.Conv2D(64, 7, {CF})(x)
            if not preact:
                x = layers.BatchNormalization(axis=1)(x)
            for _ in range(2):
                x = layers.BatchNormalization(axis=1)(x)
            return x
    """)
    lines = [line.strip() for line in output.splitlines() if "mindspore.nn." in line and not line.lstrip().startswith("#")]
    assert lines[0].startswith("x = mindspore.nn.BatchNorm2d(64,")
    assert lines[1].startswith("x = mindspore.nn.BatchNorm2d(BNPORT_NUM_FEATURES,")


def test_branches_that_give_different_counts_become_a_conditional_count():
    output, _ = convert(HEAD, f"""\
        def f(x, wide):
            x = layers.Conv2D(64, 3, {CF})(x)
            if wide:
                x = layers.Conv2D(128, 3, {CF})(x)
            return layers.BatchNormalization(axis=1)(x)
    """)
    assert "BatchNorm2d(128 if wide else 64," in bn_line(output)


def test_a_branch_test_that_is_not_copyable_stops_the_chain():
    output, findings = convert(HEAD, f"""\
        def f(x):
            x = layers.Conv2D(64, 3, {CF})(x)
            if coin():
                x = layers.Conv2D(128, 3, {CF})(x)
            return layers.BatchNormalization(axis=1)(x)
    """)
    assert "BNPORT_NUM_FEATURES" in bn_line(output)
    assert any(s == "error" and "coin()" in m for _, _, s, m in findings)


def test_the_count_is_not_copied_when_its_name_changes_in_between():
    output, findings = convert(HEAD, f"""\
        def f(x, filters):
            x = layers.Conv2D(filters, 3, {CF})(x)
            filters = filters * 2
            return layers.BatchNormalization(axis=1)(x)
    """)
    assert "BNPORT_NUM_FEATURES" in bn_line(output)
    assert any(s == "error" and "filters is assigned again on line 4" in m for _, _, s, m in findings)


@pytest.mark.parametrize("count, copied", [
    ("rng.choice(WIDTHS)", False),
    ("random.randint(4, 8)", False),
    ("int(width * alpha)", True),
    ("max(8, width // 2)", True),
    ("_make_divisible(width * alpha, 8)", True),
    ("_draw(width)", False),
])
def test_the_count_is_copied_only_without_calls_that_may_change_it(count, copied):
    output, _ = convert(HEAD, f"""\
        import random
        def _make_divisible(v, divisor):
            new_v = max(divisor, int(v + divisor / 2) // divisor * divisor)
            if new_v < 0.9 * v:
                new_v += divisor
            return new_v
        def _draw(v):
            return random.choice([v, 2 * v])
        def f(x, width, alpha, rng):
            x = layers.Conv2D({count}, 3)(x)
            return layers.BatchNormalization()(x)
    """)
    assert (count in bn_line(output)) == copied


def test_model_add_chain_uses_only_the_same_model():
    output, _ = convert(HEAD, """\
        model.add(layers.Conv2D(32, 3))
        other.add(layers.Dense(5))
        model.add(layers.MaxPooling2D())
        model.summary()
        model.add(layers.BatchNormalization())
    """)
    assert "BatchNorm2d(32," in bn_line(output)


@pytest.mark.parametrize("between", [
    "for units in widths:\n    model.add(layers.Dense(units))",
    "if deep:\n    model.add(layers.Dense(6))",
    "add_block(model, 6)",
    "model.layers.append(layer)",
])
def test_other_uses_of_the_model_make_the_layers_before_uncertain(between):
    source = HEAD + f"model = keras.Sequential()\nmodel.add(layers.Dense(16))\n{between}\nmodel.add(layers.BatchNormalization())\n"
    output, findings = convert(source)
    assert "BNPORT_NUM_FEATURES" in bn_line(output)
    assert "KBN128" in codes(source)


def test_pop_removes_the_last_layer_and_a_new_model_starts_afresh():
    output, _ = convert(HEAD, """\
        model = Sequential()
        model.add(layers.Dense(6, input_dim=3))
        model.add(layers.Dense(10))
        model.pop()
        model.add(layers.BatchNormalization())
        model = Sequential()
        model.add(layers.GaussianNoise(0.1, input_shape=(7,)))
        model.add(layers.BatchNormalization())
    """)
    lines = [line.strip() for line in output.splitlines() if "mindspore.nn." in line and not line.lstrip().startswith("#")]
    assert "BatchNorm1d(6," in lines[0] and "BatchNorm1d(7," in lines[1]


def test_a_layer_object_is_sized_by_where_it_is_applied():
    output, findings = convert(HEAD, """\
        class Block:
            def __init__(self, width):
                self.fc = layers.Dense(width, input_shape=(4,))
                self.norm = layers.BatchNormalization()

            def call(self, x, training=False):
                return self.norm(self.fc(x), training=training)
    """)
    assert "self.norm = mindspore.nn.BatchNorm1d(width, momentum=0.99, eps=1e-3)" in output
    assert "return self.norm(self.fc(x))" in output
    assert [s for _, _, s, m in findings if "training" in m] == ["warning"]


def test_an_attribute_count_must_be_assigned_before_the_layer_is_built():
    output, findings = convert(HEAD, f"""\
        class Block:
            def __init__(self, filters):
                self.norm = layers.BatchNormalization(axis=1)
                self.filters = filters
                self.conv = layers.Conv2D(self.filters, 3, {CF})

            def call(self, x):
                return self.norm(self.conv(x))
    """)
    assert "BNPORT_NUM_FEATURES" in bn_line(output)
    assert any("self.filters is assigned after this layer is built" in m for _, _, _, m in findings)


def test_a_producer_reassigned_in_a_subclass_makes_the_count_uncertain():
    source = HEAD + textwrap.dedent(f"""\
        class Block:
            def __init__(self, filters):
                self.conv = layers.Conv2D(filters, 3, {CF})
                self.bn = layers.BatchNormalization(axis=1)

            def call(self, x):
                return self.bn(self.conv(x))

        class Wide(Block):
            def __init__(self, filters):
                super().__init__(filters)
                self.conv = layers.Conv2D(4 * filters, 1, {CF})
    """)
    output, findings = convert(source)
    assert "BNPORT_NUM_FEATURES" in bn_line(output) and "KBN128" in codes(source)


def test_applications_of_different_widths_leave_the_count_unknown():
    output, _ = convert(HEAD, """\
        bn = layers.BatchNormalization()
        a = bn(layers.Conv2D(8, 3)(x))
        b = bn(layers.Conv2D(16, 3)(x))
    """)
    assert "BNPORT_NUM_FEATURES" in bn_line(output)


IDIOM = """\
from tensorflow.keras import backend, layers
def f(x, filters):
    bn_axis = 3 if backend.image_data_format() == 'channels_last' else 1
    x = layers.Conv2D(filters, 3{conv})(x)
    return layers.BatchNormalization(axis={axis})(x)
"""


@pytest.mark.parametrize("conv, axis, expected", [
    ("", "bn_axis", "BatchNorm2d(filters,"),  # the channel axis under either data format
    (", data_format=backend.image_data_format()", "bn_axis", "BatchNorm2d(filters,"),
    (", data_format='channels_last'", "bn_axis", "BNPORT_NUM_FEATURES"),  # axis 1 under channels_first
    ("", "-1", "BNPORT_NUM_FEATURES"),  # the width under channels_first
    ("", "unknown_axis", "BNPORT_NUM_FEATURES"),
])
def test_a_file_that_reads_the_data_format_is_followed_under_both(conv, axis, expected):
    output, _ = convert(IDIOM.format(conv=conv, axis=axis))
    assert expected in bn_line(output)


def test_a_name_assigned_before_a_loop_is_read_inside_it():
    output, _ = convert("""\
        from keras.src import backend, layers
        def f(x):
            channel_axis = 1 if backend.image_data_format() == "channels_first" else -1
            for i in range(8):
                x = layers.SeparableConv2D(728, 3)(x)
                x = layers.BatchNormalization(axis=channel_axis)(x)
            return x
    """)
    assert "BatchNorm2d(728," in bn_line(output)


def test_a_local_function_that_computes_from_its_arguments_may_be_copied():
    source = HEAD + textwrap.dedent("""\
        def f(x, width_coefficient, divisor=8):
            def round_filters(filters):
                filters *= width_coefficient
                new_filters = max(divisor, int(filters + divisor / 2) // divisor * divisor)
                return int(new_filters)
            x = layers.Conv2D(round_filters(32), 3)(x)
            return layers.BatchNormalization()(x)
    """)
    assert "BatchNorm2d(round_filters(32)," in bn_line(convert(source)[0])
    moved = source.replace("    return layers.BatchNormalization", "    width_coefficient = 2\n    return layers.BatchNormalization")
    output, findings = convert(moved)
    assert "BNPORT_NUM_FEATURES" in bn_line(output)
    assert any("width_coefficient, which round_filters() reads, is assigned again" in m for _, _, _, m in findings)


def test_an_input_not_shown_on_one_path_of_an_if_is_reported_as_such():
    output, findings = convert(HEAD, """\
        def f(inputs, expand):
            x = inputs
            if expand:
                x = layers.Conv2D(32, 1)(x)
            return layers.BatchNormalization()(layers.DepthwiseConv2D(3)(x))
    """)
    assert "BNPORT_NUM_FEATURES" in bn_line(output)
    assert any("the input depends on the if on line 4" in m for _, _, s, m in findings if s == "error")


@pytest.mark.parametrize("setting, expected", [
    ("", "BatchNorm2d(8,"),
    ("keras.backend.set_image_data_format('channels_last')\n", "BatchNorm2d(8,"),
    ("keras.backend.set_image_data_format('channels_first')\n", "BNPORT_NUM_FEATURES"),  # the width
    ("def f():\n    keras.backend.set_image_data_format('channels_last')\n", "BNPORT_NUM_FEATURES"),  # either
])
def test_a_module_level_data_format_setting_fixes_the_layout(setting, expected):
    output, _ = convert("import keras\nfrom keras import layers\n" + setting
                        + "y = layers.BatchNormalization()(layers.Conv2D(8, 3)(x))\n")
    assert expected in bn_line(output)


def test_int_shape_of_a_parameter_gives_its_channel_count():
    output, _ = convert("""\
        from tensorflow.keras import backend, layers
        def block(inputs, expansion, block_id):
            channel_axis = 1 if backend.image_data_format() == 'channels_first' else -1
            in_channels = backend.int_shape(inputs)[channel_axis]
            x = inputs
            if block_id:
                x = layers.Conv2D(expansion * in_channels, 1)(x)
            x = layers.DepthwiseConv2D(3)(x)
            return layers.BatchNormalization(axis=channel_axis)(x)
    """)
    assert "BatchNorm2d(expansion * in_channels if block_id else in_channels," in bn_line(output)


# -- names bound at run time (assume), reassigned classes --

def convert_assuming(source, **assume):
    result = convert_file("case.py", textwrap.dedent(source).encode(), load_rules(), Options(assume=tuple(assume.items())))
    text = result.converted.decode() if result.status == "changed" else textwrap.dedent(source)
    return text, [f.code for f in result.findings]


@pytest.mark.parametrize("binding", [
    "layers = None\ndef f(**kwargs):\n    global layers\n    layers = make(kwargs)\n",
    "def f(**kwargs):\n    backend, layers, models = make(kwargs)\n",
    "def f(layers):\n",
    "def f():\n",  # bound nowhere in the file
])
def test_assume_reads_a_placeholder_binding_as_the_module(binding):
    source = binding + "    return layers.BatchNormalization()(layers.Dense(3)(layers.Input((4,))))\n"
    output, found = convert_assuming(source, layers="keras.layers")
    assert "mindspore.nn.BatchNorm1d(3, momentum=0.99, eps=1e-3)" in output and found == []


@pytest.mark.parametrize("binding", [
    "from mylib import layers\n",
    "layers = [1, 2]\n",
    "class layers:\n    pass\n",
    "for layers in stacks:\n    pass\n",
])
def test_a_binding_of_the_users_own_wins_over_assume(binding):
    source = binding + "y = layers.BatchNormalization()(x)\n"
    output, found = convert_assuming(source, layers="keras.layers")
    assert without_markers(output) == textwrap.dedent(source) and "KBN303" not in found


def test_a_read_that_may_see_an_import_and_a_placeholder_stays_ambiguous():
    source = "try:\n    from tensorflow.keras import layers\nexcept ImportError:\n    layers = None\ny = layers.BatchNormalization()(x)\n"
    output, found = convert_assuming(source, layers="keras.layers")
    assert without_markers(output) == source and found == ["BNP001"]


def test_without_assume_a_placeholder_binding_gets_one_warning_per_file():
    source = "layers = None\na = layers.BatchNormalization()(x)\nb = layers.BatchNormalization(axis=1)(x)\n"
    output, found = convert_assuming(source)
    assert found == ["KBN303"] and without_markers(output) == source


@pytest.mark.parametrize("imports, call", [
    ("import importlib", "importlib.import_module"),
    ("import importlib as il", "il.import_module"),
    ("from importlib import import_module", "import_module"),
])
def test_import_module_with_a_literal_is_an_import(imports, call):
    output, found = convert_assuming(f"{imports}\nlayers = {call}('tensorflow.keras.layers')\n"
                                     "m = [layers.Dense(3, input_dim=2), layers.BatchNormalization()]\n")
    assert "mindspore.nn.BatchNorm1d(3, momentum=0.99, eps=1e-3)" in output and found == []


@pytest.mark.parametrize("source", [
    "import_module = load\nlayers = import_module('keras.layers')\n",
    "import importlib\nlayers = importlib.import_module(name)\n",
    "import importlib\nlayers = importlib.import_module('keras.layers')\nif old:\n    layers = None\n",
])
def test_other_import_module_calls_are_not_imports(source):
    output, found = convert_assuming(source + "y = layers.BatchNormalization()(x)\n")
    assert "mindspore" not in without_markers(output) and found == ["KBN303"]


def test_an_attribute_of_self_is_not_a_module_name_bound_at_run_time():
    source = "class Net:\n    def build(self):\n        return self.layers.BatchNormalization()\n"
    assert convert_assuming(source) == (source, [])


def test_a_module_that_reassigns_the_keras_class_is_left_alone_visibly():
    source = textwrap.dedent("""\
        import tensorflow as tf
        original = tf.keras.layers.BatchNormalization
        tf.keras.layers.BatchNormalization = FrozenBatchNormalization
        model = [tf.keras.layers.Dense(6), tf.keras.layers.BatchNormalization(momentum=0.9)]
    """)
    output, findings = convert(source)
    assert without_markers(output) == source
    assert [(line, severity) for line, _, severity, _ in findings] == [(2, "warning"), (3, "warning"), (4, "warning")]
    assert all("reassigned on line 3 (to FrozenBatchNormalization)" in m for _, _, _, m in findings)


# -- arguments --

def test_positional_arguments_bind_to_keras_names():
    output, findings = convert(HEAD + "y = layers.BatchNormalization(1, 0.9, 1e-4)(layers.Dense(3)(layers.Input(shape=(5,))))\n")
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
        "(layers.Dense(3)(layers.Input((5,))))\n"))
    for removed in ("gamma_regularizer=reg", "beta_constraint=con", "renorm=True", "name='bn1'"):
        assert f"removed {removed} (" in output
    assert severities(findings) == ["warning", "warning", "warning", "info"]


# -- the channel axis --

@pytest.mark.parametrize("producer, shape, axis, expected", [
    ("layers.Conv2D(8, 3)", "(6, 6, 3)", "", ["KBN102"]),        # default -1 on 4-D: channels-last
    ("layers.Conv2D(8, 3)", "(6, 6, 3)", "axis=3", ["KBN102"]),
    ("layers.Conv2D(8, 3)", "(6, 6, 3)", "axis=-1", ["KBN102"]),
    (f"layers.Conv2D(8, 3, {CF})", "(3, 6, 6)", "axis=1", ["KBN101"]),  # channels-first: nothing to do
    ("layers.Conv2D(8, 3)", "(6, 6, 3)", "axis=1", ["KBN127", "KBN101"]),  # the rows: their size is not shown
    ("layers.Conv2D(8, 3)", "(6, 6, 3)", "axis=2", ["KBN127", "KBN104"]),
    ("layers.Dense(8)", "(4,)", "", []),                        # (N, C): nothing to say
    ("layers.Dense(8)", "(4,)", "axis=1", ["KBN101"]),
    ("layers.Conv2D(8, 3)", "(6, 6, 3)", "axis=bn_axis", ["KBN128", "KBN103"]),
])
def test_axis_findings_follow_the_rank(producer, shape, axis, expected):
    assert codes(HEAD + f"x = layers.Input(shape={shape})\ny = layers.BatchNormalization({axis})({producer}(x))\n") == expected


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
    "import tensorflow.compat.v1 as tf\ny, m, v = tf.nn.fused_batch_norm(x, g, b, data_format='NCHW')\n",
    "import tensorflow as tf\ny = tf.compat.v1.nn.fused_batch_norm(x, g, b)\n",
    "import tensorflow as tf\ny = tf.raw_ops.FusedBatchNormV3(x=x, scale=g, offset=b, mean=m, variance=v)\n",
    "import tensorflow as tf\ny = tf.keras.backend.batch_normalization(x, m, v, b, g)\n",
    "from keras import backend as K\ny = K.batch_normalization(x, m, v, b, g)\n",
    "import tensorflow as tf\ny = tf.nn.batch_norm_with_global_normalization(t, m, v, b, g, 1e-3, True)\n",
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


@pytest.mark.parametrize("producer, rank", [("Conv1D", 3), ("Conv2D", 4), ("Conv3D", 5)])
def test_the_input_rank_of_a_synchronized_layer_is_given_to_the_plan(producer, rank):
    """MindSpore's SyncBatchNorm takes 2-D and 4-D input only: the rank the model shows decides."""
    from bnport.analysis import analyse
    from bnport.convert import parse
    from bnport.index import build_index
    from bnport.positions import Positions

    source = HEAD + f"y = layers.BatchNormalization(axis=1, synchronized=True)(layers.{producer}(6, 3, {CF})(x))\n"
    module, text, tree = parse(source.encode())
    index = build_index(module)
    analysis = analyse(module, load_rules(), index, Positions(module, text, tree, index.parents))
    if rank == 4:
        assert [(p.api.target, p.input_rank) for p in analysis.plans.values()] == [("mindspore.nn.SyncBatchNorm", 4)]
    else:  # 3-D and 5-D input: the call is left, with an error
        assert analysis.plans == {} and [f.code for f, *_ in analysis.reported] == ["KBN130"]
