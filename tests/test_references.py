"""Issue 3 behaviours one at a time: class references, partial, escapes, subclasses, functional
calls, layer attributes and state-dict keys. Numbers are checked in tests/frameworks."""

import textwrap

import pytest

from conftest import convert_text, without_markers


def convert(source):
    output, result = convert_text(textwrap.dedent(source))
    return output, [(f.line, f.rule, f.severity, f.message) for f in result.findings]


def messages(findings, severity=None):
    return [m for _, _, s, m in findings if severity in (None, s)]


@pytest.mark.parametrize("before, after", [
    ("x = isinstance(m, nn.BatchNorm2d)", "x = isinstance(m, mindspore.nn.BatchNorm2d)"),
    ("x = issubclass(cls, (nn.BatchNorm1d, nn.BatchNorm2d))",
     "x = issubclass(cls, (mindspore.nn.BatchNorm1d, mindspore.nn.BatchNorm2d))"),
    ("def f(bn: nn.BatchNorm2d) -> nn.BatchNorm3d: ...",
     "def f(bn: mindspore.nn.BatchNorm2d) -> mindspore.nn.BatchNorm3d: ..."),
    ("x = type(m) is nn.SyncBatchNorm", "x = type(m) is mindspore.nn.SyncBatchNorm"),
    ("bn: type = (nn.BatchNorm2d)", "bn: type = (mindspore.nn.BatchNorm2d)"),
])
def test_type_checks_and_annotations_are_rewritten_without_findings(before, after):
    output, findings = convert("import torch.nn as nn\n" + before + "\n")
    assert output == "import mindspore\n" + after + "\n"
    assert findings == []


def test_functools_partial_maps_its_keywords_like_a_call():
    output, findings = convert("""\
        import functools
        import torch
        norm = functools.partial(torch.nn.BatchNorm2d, momentum=0.01, track_running_stats=False, device="cuda")
    """)
    assert "functools.partial(mindspore.nn.BatchNorm2d, momentum=0.99, use_batch_statistics=True)" in output
    assert '# bnport: TBN101 removed device="cuda"' in output
    assert any("removed device" in m for m in messages(findings, "info"))


def test_partial_with_momentum_none_is_left_whole():
    source = "from functools import partial\nimport torch.nn as nn\nnorm = partial(nn.BatchNorm2d, momentum=None)\n"
    output, findings = convert(source)
    assert without_markers(output) == source
    assert [s for _, _, s, _ in findings] == ["error"]


def test_call_through_a_name_that_may_hold_other_classes_is_reported_not_converted():
    output, findings = convert("""\
        import torch.nn as nn
        def block(c, norm_layer=nn.BatchNorm2d):
            return norm_layer(c, momentum=0.01)
    """)
    assert "norm_layer(c, momentum=0.01)" in output  # not inverted: it may be another class
    [warning] = messages(findings, "warning")
    assert "norm_layer may be mindspore.nn.BatchNorm2d" in warning and "momentum" in warning


def test_name_that_holds_only_the_class_converts_its_calls():
    output, findings = convert("""\
        import torch.nn as nn
        BN = nn.BatchNorm2d
        layer = BN(64, momentum=0.01, track_running_stats=False)
    """)
    assert "layer = BN(64, momentum=0.99, use_batch_statistics=True)" in output
    assert findings == []


def test_escape_is_one_info_finding_and_visible_num_features_calls_none():
    _, findings = convert("""\
        import torch.nn as nn
        def make(c, norm_layer=None):
            norm_layer = norm_layer or nn.BatchNorm2d
            return norm_layer(c)
        def build(c):
            return make(c, norm_layer=nn.BatchNorm2d)
    """)
    # make() is this file's: the class is followed into it, where it is called with num_features only
    assert findings == []


def test_a_class_passed_to_a_function_of_the_file_is_followed_to_its_calls():
    output, findings = convert("""\
        import torch.nn as nn
        def conv_bn(c, norm_layer):
            return norm_layer(c, momentum=0.01)
        block = conv_bn(8, nn.BatchNorm2d)
    """)
    assert "norm_layer(c, momentum=0.99)" in output  # its one call passes only this class
    assert messages(findings, "warning") == []
    output, findings = convert("""\
        import torch.nn as nn
        def conv_bn(c, norm_layer):
            return norm_layer(c, momentum=0.01)
        a = conv_bn(8, nn.BatchNorm2d)
        b = conv_bn(8, nn.GroupNorm)
    """)
    assert "norm_layer(c, momentum=0.01)" in output
    assert [(line, severity) for line, _, severity, _ in findings] == [(3, "warning")]


def test_stored_on_self_and_called_in_another_method_is_followed():
    output, findings = convert("""\
        import torch.nn as nn
        class Net(nn.Module):
            def __init__(self):
                self.norm = nn.BatchNorm2d
            def make(self, c):
                return self.norm(c, momentum=0.2)
    """)
    assert "self.norm = mindspore.nn.BatchNorm2d" in output
    assert "self.norm(c, momentum=0.8)" in output  # the only value self.norm ever holds
    [(_, _, severity, message)] = findings  # the layer built is returned: passed on, said once (info)
    assert severity == "info" and "passed on" in message


def test_subclass_base_is_rewritten_and_torch_methods_reported():
    output, findings = convert("""\
        import torch.nn as nn
        class FrozenBatchNorm(nn.BatchNorm2d):
            def __init__(self, c):
                super().__init__(c, momentum=0.0)
            def _check_input_dim(self, x):
                pass
            def forward(self, x):
                return x * self.weight + self.bias
    """)
    assert "class FrozenBatchNorm(mindspore.nn.BatchNorm2d):" in output
    assert "super().__init__(c, momentum=1.0)" in output
    assert "x * self.gamma + self.beta" in output
    first, second = messages(findings, "warning")  # one at each method, where the marker goes
    assert "(_check_input_dim)" in first and "(forward)" in second and "construct" in second


def test_convert_sync_batchnorm_is_reported_and_left():
    source = "import torch\nmodel = torch.nn.SyncBatchNorm.convert_sync_batchnorm(model)\n"
    output, findings = convert(source)
    assert without_markers(output) == source
    [(line, rule, severity, message)] = findings
    assert (rule, severity) == ("TBN002", "warning") and "mindspore.nn.SyncBatchNorm" in message


@pytest.mark.parametrize("body", [
    "def forward(self, input):\n    if input.dim() != 5:\n        raise ValueError\n    return F.batch_norm(input, rm, rv)\n",
    "def forward(self, x):\n    return F.batch_norm(x.view(n, c, d, h, w), rm, rv)\n",
    "class MyBatchNorm3d:\n    def forward(self, x):\n        return F.batch_norm(x, rm, rv)\n",
])
def test_visible_five_d_input_to_functional_batch_norm_is_reported(body):
    output, findings = convert("import torch.nn.functional as F\n" + body)
    assert "mindspore.ops.batch_norm(" in output
    assert any("5-D" in m for m in messages(findings, "warning"))


def test_functional_batch_norm_momentum_is_not_inverted():
    output, _ = convert("import torch.nn.functional as F\ny = F.batch_norm(x, rm, rv, w, b, True, 0.1, 1e-5)\n")
    assert "mindspore.ops.batch_norm(x, rm, rv, w, b, True, 0.1, 1e-5)" in output


def test_functional_weight_none_needs_a_plain_running_mean():
    source = "import torch.nn.functional as F\ny = F.batch_norm(x, get_mean(), rv, None, None, True)\n"
    output, findings = convert(source)
    assert without_markers(output) == source
    assert "not a plain name" in messages(findings, "error")[0]


def test_functional_used_as_a_value_is_reported():
    source = "import torch.nn.functional as F\nnorm_fn = F.batch_norm\n"
    output, findings = convert(source)
    assert without_markers(output) == source and len(messages(findings, "warning")) == 1


def test_layer_attributes_are_renamed_for_layers_only():
    output, findings = convert("""\
        import torch.nn as nn
        class Net(nn.Module):
            def __init__(self):
                self.bn = nn.BatchNorm2d(4)
                self.gn = nn.GroupNorm(2, 4)
                self.bn3 = nn.BatchNorm3d(4)
            def stats(self):
                return self.bn.running_mean, self.gn.weight, self.bn3.running_var, self.bn.num_batches_tracked
    """)
    assert "self.bn.moving_mean, self.gn.weight, self.bn3.bn2d.moving_variance, self.bn.num_batches_tracked" in output
    assert any("num_batches_tracked" in m for m in messages(findings, "warning"))


def test_name_assigned_from_batchnorm_and_groupnorm_is_not_a_layer():
    source = textwrap.dedent("""\
        import torch.nn as nn
        bn = nn.BatchNorm2d(4) if flag else nn.GroupNorm(2, 4)
        w = bn.weight
    """)
    output, _ = convert(source)
    assert "w = bn.weight" in output


def test_momentum_none_assigned_later_is_refused():
    output, findings = convert("import torch.nn as nn\nbn = nn.BatchNorm2d(4)\nbn.momentum = None\n")
    assert "bn.momentum = None\n" in output and "add_prim_attr" not in output
    assert len(messages(findings, "error")) == 1


@pytest.mark.parametrize("key, expected", [
    ("'running_mean'", "'moving_mean'"),
    ("'layer1.0.bn1.running_var'", "'layer1.0.bn1.moving_variance'"),
    ("'bn.weight'", "'bn.gamma'"),
])
def test_state_dict_keys_are_reported_with_the_mindspore_key(key, expected):
    source = f"import torch.nn as nn\nclass N:\n    def __init__(self):\n        self.bn = nn.BatchNorm2d(3)\nk = {key}\n"
    output, findings = convert(source)
    assert key in output  # strings are never rewritten
    assert any(expected in m for m in messages(findings, "info"))


def test_weight_key_of_an_unknown_module_is_not_reported():
    _, findings = convert("import torch.nn as nn\nbn = nn.BatchNorm2d(3)\nk = 'conv1.weight'\n")
    assert findings == []


def test_class_attribute_called_through_self_is_followed():
    output, findings = convert("""\
        import torch.nn as nn
        class Block(nn.Module):
            norm = nn.BatchNorm2d
            def __init__(self, c):
                self.bn = self.norm(c, momentum=0.01)
    """)
    assert "norm = mindspore.nn.BatchNorm2d" in output
    assert "self.bn = self.norm(c, momentum=0.99)" in output
    assert findings == []


def test_functional_weight_built_from_the_renamed_running_mean():
    output, _ = convert("""\
        import torch.nn as nn
        import torch.nn.functional as F
        class B(nn.BatchNorm2d):
            def forward(self, x):
                return F.batch_norm(x, self.running_mean, self.running_var, None, None, self.training)
    """)
    assert ("mindspore.ops.batch_norm(x, self.moving_mean, self.moving_variance, "
            "mindspore.ops.ones_like(self.moving_mean), mindspore.ops.zeros_like(self.moving_mean), self.training)") in output


@pytest.mark.parametrize("test, renamed", [
    ("isinstance(m, nn.BatchNorm2d) or isinstance(m, nn.SyncBatchNorm)", True),
    ("isinstance(m, nn.BatchNorm2d) or isinstance(m, nn.GroupNorm)", False),
    ("isinstance(m, nn.BatchNorm2d) or m is None", False),
    ("isinstance(m, nn.BatchNorm2d) and m.affine", True),
])
def test_isinstance_guards_combined_with_or_and_and(test, renamed):
    output, _ = convert(f"import torch.nn as nn\nfor m in mods:\n    if {test}:\n        w = m.weight\n")
    assert ("w = m.gamma" in output) == renamed
