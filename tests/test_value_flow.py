"""Where a converted layer's tensors go: what they meet, and the owners a layer is reached through.
The numbers (and the loud failures) of the real-world forms are in tests/frameworks/cases."""

import textwrap

from conftest import convert_text


HEAD = "import torch\nimport torch.nn as nn\n"


def findings(body, head=HEAD):
    _, result = convert_text(head + textwrap.dedent(body))
    return [(f.line, f.code) for f in result.findings if f.severity != "info"]


def converted(body, head=HEAD):
    output, _ = convert_text(head + textwrap.dedent(body))
    return output


def test_arithmetic_between_converted_values_and_numbers_is_quiet():
    assert findings("""\
        def fuse(bn: nn.BatchNorm2d, other: nn.BatchNorm2d, eps=1e-5):
            std = (bn.running_var + bn.eps) ** 0.5
            scale = bn.weight / std * 2.0 + eps
            both = scale * other.weight - other.running_mean
            return both
    """) == []


def test_a_name_computed_from_a_layer_carries_the_value_to_torch_code():
    assert findings("""\
        def fuse(conv: nn.Conv2d, bn: nn.BatchNorm2d):
            w = bn.weight / (bn.running_var + bn.eps).sqrt()
            w = conv.weight * w[:, None, None, None]
            b = bn.bias - bn.running_mean * bn.weight
            fused = nn.Conv2d(3, 3, 1)
            fused.bias.data.copy_(b)
    """) == [(5, "BNP037"), (8, "BNP037")]


def test_a_value_stops_being_followed_where_it_meets_torch():
    # `w = conv.weight * w` is reported once; what it computes is neither framework's: not followed on
    assert findings("""\
        def fuse(conv: nn.Conv2d, bn: nn.BatchNorm2d):
            w = conv.weight * bn.weight
            return w.size(0)
    """) == [(4, "BNP037")]


def test_a_name_rebound_to_something_else_is_not_followed_past_the_rebinding():
    assert findings("""\
        def f(bn: nn.BatchNorm2d):
            w = bn.weight * 2
            w = torch.ones(3)
            return w.detach()
    """) == []


def test_stores_into_torch_tensors_and_in_place_torch_methods_are_reported():
    assert findings("""\
        def freeze(bn: nn.BatchNorm2d, frozen, ema):
            frozen.mean.data = bn.running_mean.data
            ema.mul_(0.9).add_(bn.running_var, alpha=0.1)
            acc = torch.zeros(3)
            acc += bn.running_mean
    """) == [(4, "BNP037"), (5, "BNP037"), (7, "BNP037")]


def test_a_converted_parameter_filled_from_torch_is_reported():
    assert findings("""\
        def load(bn: nn.BatchNorm2d, w):
            bn.running_mean.copy_(torch.from_numpy(w))
            setattr(bn, "weight", nn.Parameter(torch.ones(3)))
    """) == [(4, "BNP037"), (5, "BNP037")]


def test_a_layer_applied_to_a_torch_result_is_reported_and_a_keras_layer_is_not():
    assert findings("""\
        def f(xs, bn: nn.BatchNorm2d):
            x = torch.cat(xs, 1)
            return bn(x)
    """) == [(5, "BNP037")]
    assert findings("""\
        from tensorflow.keras import layers
        def f(x, skip):
            y = layers.Conv2D(8, 1)(x)
            z = layers.add([skip, y])
            return layers.BatchNormalization()(z)
    """, head="") == [(5, "KBN125")]  # the rank is unknown; what the layer is applied to is Keras' anyway


OWNERS = HEAD + """\
class Bottleneck(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.bn = nn.BatchNorm2d(c)
class Basic(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.bn = nn.BatchNorm2d(c)
class Other(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.bn = nn.GroupNorm(1, c)
"""


def test_an_owner_reached_through_a_tuple_test_a_factory_a_chain_and_a_collection():
    output = converted(head=OWNERS, body="""\
def make_block(c):
    return Bottleneck(c)
class Net(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.stem = Basic(c)
        self.blocks = nn.ModuleList([Bottleneck(c) for _ in range(2)])
        for blk in self.blocks:
            blk.bn.weight.requires_grad = False
def init(m, c):
    if isinstance(m, (Bottleneck, Basic)):
        m.bn.weight.requires_grad = False
    make_block(c).bn.bias.requires_grad = False
    Net(c).stem.bn.running_mean.requires_grad = False
""")
    assert "blk.bn.gamma.requires_grad" in output
    assert "m.bn.gamma.requires_grad" in output
    assert "make_block(c).bn.beta.requires_grad" in output
    assert "Net(c).stem.bn.moving_mean.requires_grad" in output


def test_a_tuple_test_with_a_class_whose_attribute_is_not_a_layer_is_uncertain():
    source = """\
def init(m):
    if isinstance(m, (Bottleneck, Other)):
        m.bn.weight.requires_grad = False
"""
    assert "m.bn.weight.requires_grad" in converted(source, head=OWNERS)
    assert (17, "BNP023") in findings(source, head=OWNERS)


def test_layers_stored_by_name_and_read_back_by_name_or_attribute():
    source = """\
        class Heads(nn.Module):
            def __init__(self, c, n=2):
                super().__init__()
                for i in range(n):
                    setattr(self, f"bn{i}", nn.BatchNorm2d(c))
                self.add_module("norm", nn.BatchNorm2d(c))
                for i in range(n):
                    getattr(self, f"bn{i}").weight.requires_grad = False
                self.bn0.bias.requires_grad = False
                self.norm.running_mean.requires_grad = False
    """
    output = converted(source)
    assert 'getattr(self, f"bn{i}").gamma.requires_grad' in output
    assert "self.bn0.beta.requires_grad" in output
    assert "self.norm.moving_mean.requires_grad" in output
    assert findings(source) == [(8, "BNP021")]  # torch's add_module takes torch modules only


def test_add_module_of_a_converted_layer_is_reported_where_it_is_called():
    assert findings("""\
        class Proj(nn.Sequential):
            def __init__(self, c):
                super().__init__()
                self.add_module("norm", nn.BatchNorm2d(c))
                self.norm.weight.requires_grad = False
    """) == [(6, "BNP021")]


def test_layers_appended_to_a_list_are_its_elements():
    output = converted("""\
        class SA(nn.Module):
            def __init__(self, widths):
                super().__init__()
                self.bns = []
                for w in widths:
                    self.bns.append(nn.BatchNorm2d(w))
            def freeze(self):
                for bn in self.bns:
                    bn.weight.requires_grad = False
    """)
    assert "bn.gamma.requires_grad" in output


def test_a_list_that_also_gets_other_layers_makes_its_elements_uncertain():
    source = """\
        class SA(nn.Module):
            def __init__(self, widths):
                super().__init__()
                self.norms = []
                for w in widths:
                    self.norms.append(nn.BatchNorm2d(w))
                self.norms.append(nn.GroupNorm(1, 4))
            def freeze(self):
                for m in self.norms:
                    m.weight.requires_grad = False
    """
    assert "m.weight.requires_grad" in converted(source)
    assert (12, "BNP023") in findings(source)


def test_a_property_returning_a_layer_is_the_layer():
    output = converted("""\
        class Block(nn.Module):
            def __init__(self, c):
                super().__init__()
                self._norm1 = nn.BatchNorm2d(c)
            @property
            def norm1(self):
                return self._norm1
            def freeze(self):
                self.norm1.weight.requires_grad = False
    """)
    assert "self.norm1.gamma.requires_grad" in output


def test_a_function_of_the_file_that_returns_a_layer_gives_it_to_its_callers():
    output = converted("""\
        def make_norm(c):
            return nn.BatchNorm2d(c)
        def build(c):
            norm = make_norm(c)
            norm.weight.requires_grad = False
            return norm
    """)
    assert "norm.gamma.requires_grad" in output


def test_copies_filters_and_dict_comprehensions_of_layers_are_layers():
    output = converted("""\
        import copy
        def tune(bn: nn.BatchNorm2d, named, modules):
            teacher = copy.deepcopy(bn)
            teacher.weight.requires_grad = False
            bns = {name: m for name, m in named if isinstance(m, nn.BatchNorm2d)}
            for name, b in bns.items():
                b.bias.requires_grad = False
            for f in list(filter(lambda m: isinstance(m, nn.BatchNorm2d), modules)):
                f.running_mean.requires_grad = False
    """)
    assert "teacher.gamma.requires_grad" in output
    assert "b.beta.requires_grad" in output
    assert "f.moving_mean.requires_grad" in output


def test_a_parameter_that_may_be_replaced_by_a_layer_is_uncertain():
    source = """\
        def build(c, norm=None):
            if norm is None:
                norm = nn.BatchNorm2d(c)
            norm.weight.requires_grad = False
            return norm
    """
    assert "norm.weight.requires_grad" in converted(source)
    assert findings(source) == [(6, "BNP023")]


def test_what_a_value_meets_is_judged_by_what_the_other_side_is():
    # a float hyper-parameter, a Python list, a MindSpore layer's weight, a Python number: not torch
    assert findings("""\
        import mindspore
        class Penalty:
            def __init__(self, weight=1e-4):
                self.weight = weight
                self.data = []
                self.proj = mindspore.nn.Dense(4, 4)
            def __call__(self, bn: nn.BatchNorm2d, conv: nn.Conv2d):
                self.data.append(bn.running_mean.clone())
                thr = bn.weight.abs().max().item()
                limit = torch.full((3,), thr)
                return self.weight * bn.weight.abs().sum() / conv.weight.numel(), limit
            def fused(self, bn: nn.BatchNorm1d):
                return self.proj.weight * bn.weight.reshape(-1, 1)
    """) == []


def test_a_name_holds_what_was_last_assigned_before_the_read():
    assert findings("""\
        class Head(nn.Module):
            def __init__(self, c):
                super().__init__()
                self.bn1 = nn.BatchNorm2d(c)
                self.bn2 = nn.BatchNorm2d(c)
            def forward(self, x):
                x = self.bn1(x)
                x = self.bn2(x)
                x = torch.relu(x)
                return x
        def fold(conv: nn.Conv2d, norm):
            scale = torch.ones(3)
            if isinstance(norm, nn.BatchNorm2d):
                scale = norm.weight / (norm.running_var + norm.eps).sqrt()
                conv.weight.data.mul_(scale)
            else:
                conv.weight.data.mul_(scale)
    """) == [(17, "BNP037")]  # not the bn2 line (x is bn1's output), not the else branch


def test_values_are_followed_into_functions_containers_and_callers():
    assert findings("""\
        def rsqrt_of(var, eps, /):
            return torch.rsqrt(var + eps)
        def fuse_bn_tensor(bn: nn.BatchNorm2d):
            std = (bn.running_var + bn.eps).sqrt()
            if std is None:
                std = torch.ones(3)
            std += 1e-5
            return bn.weight / std
        def use(bn: nn.BatchNorm2d, conv: nn.Conv2d, x):
            rsqrt_of(bn.running_var, bn.eps)
            stats = torch.stack([bn.running_mean, bn.running_var])
            w: object = bn.weight
            y = (v := bn.bias) if x else bn.bias
            return conv.weight * fuse_bn_tensor(bn), torch.sqrt(w), torch.sqrt(y), torch.sqrt(v)
    """) == [(4, "BNP021"), (13, "BNP021"), (16, "BNP021")]


def test_methods_of_computed_tensors_are_reported_only_where_mindspore_lacks_them():
    assert findings("""\
        def f(bn: nn.BatchNorm2d):
            inv = (bn.running_var + bn.eps).rsqrt()
            mask = bn.weight.abs().gt(0.1)
            return inv.detach(), mask
    """) == [(6, "BNP038")]


def test_an_owner_class_whose_attribute_is_stored_another_way_makes_the_attribute_uncertain():
    source = """\
        class Bottleneck(nn.Module):
            def __init__(self, c):
                super().__init__()
                self.bn3 = nn.BatchNorm2d(c)
        class GNBottleneck(nn.Module):
            def __init__(self, c):
                super().__init__()
                self.add_module("bn3", nn.GroupNorm(1, c))
        def init(m):
            if isinstance(m, (Bottleneck, GNBottleneck)):
                m.bn3.weight.requires_grad = False
    """
    assert "m.bn3.weight.requires_grad" in converted(source)
    assert findings(source) == [(13, "BNP023")]


def test_a_collection_changed_after_it_is_built_has_no_known_element_class():
    output = converted("""\
        class Block(nn.Module):
            def __init__(self, c):
                super().__init__()
                self.bn = nn.BatchNorm2d(c)
        class Stage(nn.Module):
            def __init__(self, c, other):
                super().__init__()
                self.blocks = nn.ModuleList([Block(c) for _ in range(2)])
                self.blocks[-1] = other
                for blk in self.blocks:
                    blk.bn.weight.requires_grad = False
    """)
    assert "blk.bn.weight.requires_grad" in output


def test_configs_made_from_a_converted_config_are_converted_or_reported():
    source = """\
        import copy
        norm_cfg = dict(type=nn.BatchNorm2d, eps=1e-3, momentum=0.1)
        head_cfg = dict(norm_cfg, momentum=0.3)
        def build(cfg, momentum):
            cfg_ = copy.deepcopy(cfg)
            cfg_["momentum"] = momentum
            cfg_.setdefault("eps", 1e-5)
            cfg_.update(requires_grad=True)
            return {**cfg_, "momentum": momentum}
        build(norm_cfg, 0.2)
    """
    output = converted(source)
    assert "head_cfg = dict(norm_cfg, momentum=0.7)" in output
    # (eps means the same in both: `setdefault("eps", ...)` is not reported)
    assert [f for f in findings(source) if f[1] == "BNP039"] == [(8, "BNP039"), (11, "BNP039")]


def test_classes_registered_by_item_or_held_by_a_dataclass_field_are_reported_where_called():
    source = """\
        from dataclasses import dataclass
        NORMS = {}
        NORMS["BN"] = nn.BatchNorm2d
        @dataclass
        class Cfg:
            norm_layer: type = nn.BatchNorm2d
        def build(name, cfg: Cfg, c):
            return NORMS[name](c, momentum=0.3), cfg.norm_layer(c, momentum=0.3)
    """
    assert findings(source) == [(10, "BNP004"), (10, "BNP004")]


def test_type_tests_on_a_torch_walk_over_submodules_are_reported():
    source = """\
        def init(model):
            for m in model.modules():
                if isinstance(m, nn.BatchNorm2d):
                    m.eps = 1e-3
            for name, child in model.named_children():
                if type(child) is nn.BatchNorm2d:
                    pass
            model.apply(freeze)
        def freeze(m):
            if isinstance(m, nn.BatchNorm2d):
                m.eval()
        def direct(bns):
            for m in bns:
                if isinstance(m, nn.BatchNorm2d):
                    m.eval()
    """
    assert [f for f in findings(source) if f[1] == "BNP040"] == [(4, "BNP040"), (7, "BNP040"), (10, "BNP040")]


def test_a_serialized_config_naming_a_converted_class_is_reported_where_it_is_built():
    source = """\
        from tensorflow import keras
        CFG = {"class_name": "BatchNormalization", "config": {"momentum": 0.9}}
        other = {"class_name": "Dense", "config": {"units": 3}}
        bn = keras.layers.deserialize(CFG)
        note = {"title": "BatchNormalization"}
    """
    assert findings(source, head="") == [(4, "BNP041")]


def all_findings(body, head=HEAD):
    _, result = convert_text(head + textwrap.dedent(body))
    return [(f.line, f.code) for f in result.findings]


def test_attributes_read_by_a_pattern_combine_every_attribute_it_may_read():
    source = """\
        class Block(nn.Module):
            def __init__(self, c, name, made):
                super().__init__()
                self.norm1 = nn.GroupNorm(2, c)
                self.norm2 = nn.BatchNorm2d(c)
                for i in range(2):
                    setattr(self, f"bn{i}", nn.BatchNorm2d(c))
                self.bn_extra = nn.GroupNorm(2, c)
                self.add_module(name, made)
            def freeze(self):
                for i in (1, 2):
                    getattr(self, f"norm{i}").weight.requires_grad = False
                self.bn_extra.weight.requires_grad = False
                self.bn1.weight.requires_grad = False
    """
    output = converted(source)
    assert 'getattr(self, f"norm{i}").weight' in output and "self.bn_extra.weight" in output
    assert "self.bn1.weight" in output  # `add_module(name, ...)` may have set any attribute
    assert findings(source) == [(14, "BNP023"), (16, "BNP023")]


def test_a_loop_variable_reused_by_several_loops_holds_each_loop_s_elements():
    source = """\
        def freeze(model, norms):
            for m in filter(lambda m: isinstance(m, nn.BatchNorm2d), model.modules()):
                m.eval()
            for m in filter(lambda m: isinstance(m, nn.BatchNorm2d) or isinstance(m, nn.GroupNorm), norms):
                m.bias.requires_grad = False
            for m in model.children():
                m.weight.requires_grad = False
    """
    output = converted(source)
    assert "m.set_train(False)" in output and "m.bias.requires_grad" in output
    assert findings(source) == [(7, "BNP015")]  # the or-filter lets GroupNorm through; children(): nothing


def test_layers_that_leave_sight_are_said_to_leave():
    source = """\
        def make_bn(c):
            return nn.BatchNorm2d(c)
        def layers(c):
            out = [nn.Conv2d(c, c, 3), nn.BatchNorm2d(c), nn.ReLU()]
            return out
        class Net(nn.Module):
            def __init__(self, c):
                super().__init__()
                self.bns = [make_bn(c)] * 2
                self.register_buffer("mean", make_bn(c).running_mean)
    """
    found = all_findings(source)
    assert (4, "BNP022") in found and (7, "BNP022") in found and (12, "BNP021") in found


def test_a_list_appended_to_through_an_alias_holds_anything():
    source = """\
        def f(c):
            norms = [nn.BatchNorm2d(c)]
            more = norms
            more.append(nn.GroupNorm(2, c))
            for m in norms:
                m.weight.requires_grad = False
    """
    assert "m.weight.requires_grad" in converted(source)
    assert findings(source) == [(8, "BNP023")]


def test_a_chain_of_factories_gives_its_layer_to_the_last_caller():
    chain = "".join(f"def f{i}(c):\n    return f{i - 1}(c) if c else f{i - 1}(c + 1)\n" for i in range(1, 25))
    output = converted("def f0(c):\n    return nn.BatchNorm2d(c)\n" + chain + "f24(3).weight.requires_grad = False\n")
    assert "f24(3).gamma.requires_grad" in output


def test_a_layer_added_to_an_attribute_s_module_under_a_computed_name_is_said_to_leave():
    # timm gather_excite / attention2d: `self.gather.add_module(f"bn{i}", nn.BatchNorm2d(c))` and
    # `self.query.add_module("norm", norm_layer(dim))` (reading self.gather asks what it holds: a cycle)
    source = """\
        class GE(nn.Module):
            def __init__(self, c, n, name):
                super().__init__()
                self.gather = nn.Sequential()
                for i in range(n):
                    self.gather.add_module(f"bn{i}", nn.BatchNorm2d(c))
                self.gather.add_module(name, nn.BatchNorm2d(c))
                self.gather.bn0.weight.requires_grad = False
    """
    _, result = convert_text(HEAD + textwrap.dedent(source))
    assert result.status == "changed"
    assert (8, "BNP021") in [(f.line, f.code) for f in result.findings]


def test_a_config_is_followed_only_where_it_is_the_converted_one():
    source = """\
        cfg = dict(type=nn.BatchNorm2d, momentum=0.1)
        head = dict(cfg, momentum=0.3)
        cfg = dict(lr=0.01, momentum=0.9)
        sgd = dict(cfg, momentum=0.95)
        def with_momentum(c, m):
            return dict(c, momentum=m)
        a = with_momentum(head, 0.2)
        b = with_momentum(dict(lr=0.1), 0.9)
        other = dict(head, type=nn.InstanceNorm2d, momentum=0.3)
    """
    output = converted(source)
    assert "head = dict(cfg, momentum=0.7)" in output and "sgd = dict(cfg, momentum=0.95)" in output
    assert "return dict(c, momentum=m)" in output  # other callers give it other dicts: reported, not converted
    assert [f for f in findings(source) if f[1] == "BNP039"] == [(8, "BNP039"), (11, "BNP039"), (11, "BNP039")]


def test_walks_are_found_from_the_loop_around_the_test():
    source = """\
        class Net(nn.Module):
            def init(self):
                for m in self.modules():
                    if isinstance(m, nn.Conv2d):
                        pass
                for m in (self.bn1, self.bn2):
                    if isinstance(m, nn.BatchNorm2d):
                        m.eval()
                for m in self.modules():
                    if isinstance(m, nn.BatchNorm2d):
                        m.eval()
                self.apply(self._init_weights)
            def _init_weights(self, m):
                if isinstance(m, nn.BatchNorm2d):
                    m.eval()
    """
    assert [f for f in findings(source) if f[1] == "BNP040"] == [(11, "BNP040"), (14, "BNP040")]


def test_serialized_configs_under_any_import_spelling_and_not_when_only_compared():
    source = """\
        import tensorflow as tf
        spec = {"class_name": "BatchNormalization", "config": {}}
        bn = tf.keras.layers.deserialize(spec)
        same = layer.get_config() == {"class_name": "BatchNormalization"}
        EXPECTED = {"class_name": "BatchNormalization"}
    """
    assert findings(source, head="") == [(3, "BNP041")]


def test_dataclass_fields_through_annotations_and_configs_merged_with_or():
    source = """\
        from dataclasses import dataclass
        from typing import Optional
        @dataclass
        class Cfg:
            norm_layer: type = nn.BatchNorm2d
        def build(a: "Cfg", b: Optional[Cfg], c: Cfg | None):
            return a.norm_layer(8, momentum=0.1), b.norm_layer(8, momentum=0.1), c.norm_layer(8, momentum=0.1)
        cfg = dict(type=nn.BatchNorm2d)
        merged = cfg | {"momentum": 0.3}
    """
    assert findings(source) == [(9, "BNP004"), (9, "BNP004"), (9, "BNP004"), (11, "BNP039")]


def test_configs_held_by_self_attributes_unpacked_or_updated_in_place_are_followed():
    source = """\
        class Net:
            def __init__(self):
                self.norm_cfg = dict(type=nn.BatchNorm2d, momentum=0.1)
                self.head_cfg = dict(self.norm_cfg, momentum=0.3)
                cfg, width = dict(type=nn.BatchNorm2d), 64
                items = dict(cfg.items(), momentum=0.3)
                cfg |= dict(momentum=0.3)
                self.norm_cfg |= {"eps": 1e-3}
    """
    output = converted(source)
    assert "self.head_cfg = dict(self.norm_cfg, momentum=0.7)" in output
    assert "items = dict(cfg.items(), momentum=0.7)" in output
    assert [f for f in findings(source) if f[1] == "BNP039"] == [(9, "BNP039")]  # (not the eps on line 10)


def test_a_self_attribute_stored_more_than_once_gives_configs_that_are_reported_not_converted():
    source = """\
        class Net:
            def __init__(self, other):
                self.norm_cfg = dict(type=nn.BatchNorm2d, momentum=0.1)
                if other:
                    self.norm_cfg = other
                self.head_cfg = dict(self.norm_cfg, momentum=0.3)
    """
    assert "dict(self.norm_cfg, momentum=0.3)" in converted(source)
    assert [f for f in findings(source) if f[1] == "BNP039"] == [(8, "BNP039")]


def test_a_dataclass_field_reached_through_a_self_attribute_is_reported_where_called():
    source = """\
        from dataclasses import dataclass
        @dataclass
        class Cfg:
            norm_layer: type = nn.BatchNorm2d
        class Net(nn.Module):
            def __init__(self, cfg: Cfg, other):
                super().__init__()
                self.cfg = cfg
                self.other = other
                self.bn = self.cfg.norm_layer(64, momentum=0.1)
                self.gn = self.other.norm_layer(64, momentum=0.1)
                self.ln = Other().norm_layer(64, eps=0.1)
        class Other:
            norm_layer = nn.LayerNorm
    """
    assert findings(source) == [(12, "BNP004"), (13, "BNP004")]  # `other` may be a Cfg too


def test_a_dataclass_instance_made_any_way_but_by_another_class_reaches_its_field():
    source = """\
        import dataclasses
        from dataclasses import dataclass, field
        @dataclass
        class NormCfg:
            norm_layer: type = nn.BatchNorm2d
            @classmethod
            def default(cls):
                return cls()
        @dataclass
        class ModelCfg:
            norm: NormCfg = field(default_factory=NormCfg)
        def make_cfg():
            return NormCfg()
        a = make_cfg().norm_layer(64, momentum=0.01)
        b = NormCfg.default().norm_layer(64, momentum=0.01)
        c = dataclasses.replace(NormCfg()).norm_layer(64, momentum=0.01)
        d = ModelCfg().norm.norm_layer(64, momentum=0.01)
    """
    assert findings(source) == [(16, "BNP004"), (17, "BNP004"), (18, "BNP004"), (19, "BNP004")]


def test_registries_of_any_mapping_are_followed_and_other_literal_keys_of_a_dict_are_not_reported():
    source = """\
        class Registry(dict):
            def __getitem__(self, key):
                return super().__getitem__(key.lower())
        NORMS = Registry()
        NORMS["bn"] = nn.BatchNorm2d
        bn = NORMS["BN"](64, momentum=0.1)
        PLAIN = {}
        PLAIN["BN"] = nn.BatchNorm2d
        PLAIN["GN"] = nn.GroupNorm
        gn = PLAIN["GN"](32, 64, eps=1e-3)
        got = PLAIN.get("GN")(32, 64, eps=1e-3)
        def build(kind):
            return PLAIN[kind](64, momentum=0.1)
    """
    assert findings(source) == [(8, "BNP004"), (15, "BNP004")]


def test_a_serialized_config_key_belongs_to_the_framework_that_declares_it():
    source = """\
        spec = {"class_name": "BatchNorm2d", "config": {}}
        layer = build(spec)
        bn = nn.BatchNorm2d(4)
    """
    assert findings(source) == []  # torch has no serialized layer configs


def test_an_object_that_may_be_an_instance_of_an_owner_class_has_uncertain_layers():
    source = """\
        class Block(nn.Module):
            def __init__(self, c):
                super().__init__()
                self.bn = nn.BatchNorm2d(c)
        class Other(nn.Module):
            def __init__(self, c):
                super().__init__()
                self.bn = nn.GroupNorm(1, c)
        class Net(nn.Module):
            def __init__(self, c, extra):
                super().__init__()
                self.blocks = nn.ModuleList([Block(c), Block(c)])
                self.blocks[-1] = Other(c)
                for blk in self.blocks:
                    blk.bn.weight.requires_grad = False
                pick = Block(c) if extra else extra
                pick.bn.eval()
                kept = Block(c)
                kept.bn.eval()
                unknown = extra.bn.weight
    """
    assert findings(source) == [(17, "BNP023"), (19, "BNP023")]
    assert "kept.bn.set_train(False)" in converted(source)


def test_values_unpacked_from_a_tuple_and_carried_across_loop_iterations_are_followed():
    source = """\
        class M(nn.Module):
            def __init__(self):
                super().__init__()
                self.bn = nn.BatchNorm2d(3)
                self.bns = [nn.BatchNorm2d(3), nn.BatchNorm2d(3)]
        def fuse(m: M):
            gamma, beta = m.bn.weight, m.bn.bias
            return torch.ones(3) * gamma
        def chain(m: M):
            prev = None
            for bn in m.bns:
                if prev is not None:
                    torch.cat([prev, torch.ones(3)])
                prev = bn.running_mean
        def accumulate(m: M):
            acc = None
            for bn in m.bns:
                if acc is None:
                    acc = bn.weight * 1.0
                else:
                    acc = acc + torch.ones(3)
        def behind(m: M):
            t = None
            for bn in m.bns:
                if t is not None:
                    s = bn.weight + t
                t = torch.ones(3)
        def overwritten(m: M):
            for bn in m.bns:
                prev = torch.zeros(3)
                torch.cat([prev, torch.ones(3)])
                prev = bn.running_mean
    """
    assert findings(source) == [(10, "BNP037"), (15, "BNP021"), (23, "BNP037"), (28, "BNP037")]


def test_a_parameter_annotated_with_an_owner_class_reaches_its_layers():
    source = """\
        class M(nn.Module):
            def __init__(self):
                super().__init__()
                self.bn = nn.BatchNorm2d(3)
        def freeze(m: M, other):
            m.bn.weight.requires_grad = False
            other.bn.weight.requires_grad = False
    """
    output = converted(source)
    assert "m.bn.gamma.requires_grad = False" in output and "other.bn.weight" in output


def test_a_list_grown_in_a_function_of_the_file_it_is_passed_to_holds_what_it_adds():
    source = """\
        def add_gn(layers, c):
            layers.append(nn.GroupNorm(1, c))
        def add_through_alias(layers, c):
            more = layers
            more.append(nn.GroupNorm(1, c))
        def count(layers):
            return len(layers)
        def build(c):
            grown = [nn.BatchNorm2d(c)]
            add_gn(grown, c)
            for m in grown:
                m.weight.requires_grad = False
            aliased = [nn.BatchNorm2d(c)]
            add_through_alias(aliased, c)
            for m in aliased:
                m.eval()
            read = [nn.BatchNorm2d(c)]
            count(read)
            for m in read:
                m.eval()
    """
    assert findings(source) == [(14, "BNP023"), (18, "BNP023")]
    assert converted(source).count("m.set_train(False)") == 1


def test_a_class_tuple_spread_into_another_is_a_type_test_with_every_class():
    source = """\
        ALL_BNS = (nn.BatchNorm1d, nn.BatchNorm2d)
        ALL_NORMS = (*ALL_BNS, nn.LayerNorm)
        def init_bn(m):
            if isinstance(m, ALL_BNS):
                m.weight.data.fill_(1.0)
        def init_norm(m):
            if isinstance(m, ALL_NORMS):
                m.weight.data.fill_(1.0)
    """
    assert findings(source) == [(7, "BNP014"), (10, "BNP015")]
    assert "m.gamma.data.fill_(1.0)" in converted(source)


def test_a_class_returned_by_a_function_of_the_file_is_followed_to_its_callers():
    source = """\
        def _norm():
            return nn.BatchNorm2d
        def _norm_ctor(mode):
            if mode == "bn":
                return nn.BatchNorm1d, False
            return nn.LayerNorm, True
        def get_norm():
            return nn.BatchNorm2d
        a = _norm()(3, momentum=0.1)
        ctor, bias = _norm_ctor("bn")
        b = ctor(3, momentum=0.1)
        c = _norm_ctor("ln")[0](3, eps=1e-3)
        d = get_norm()(3, momentum=0.1)
    """
    output = converted(source)
    assert "a = _norm()(3, momentum=0.9)" in output and "d = get_norm()(3, momentum=0.9)" in output
    assert all_findings(source) == [(10, "BNP005"), (13, "BNP004"), (14, "BNP004")]


def test_a_public_factory_of_layers_is_said_to_leave_even_when_called_in_the_file():
    source = """\
        def make_bn(c):
            return nn.BatchNorm2d(c)
        bn = make_bn(3)
        bn.eval()
    """
    assert "bn.set_train(False)" in converted(source)
    assert all_findings(source) == [(4, "BNP022")]


def test_an_owner_test_reaches_attributes_that_only_may_hold_a_layer():
    source = """\
        class Bottleneck(nn.Module):
            def __init__(self, planes, norm_layer=None):
                super().__init__()
                if norm_layer is None:
                    norm_layer = nn.BatchNorm2d
                self.bn3 = norm_layer(planes)
        def zero_init(blocks):
            for m in blocks:
                if isinstance(m, Bottleneck) and m.bn3.weight is not None:
                    nn.init.constant_(m.bn3.weight, 0)
    """
    assert findings(source) == [(11, "BNP023"), (12, "BNP023")]


def test_an_annotation_that_also_admits_other_classes_makes_an_owner_possible_not_certain():
    source = """\
        from typing import Union
        from timm.layers import ConvNormAct
        from mmcv.cnn import ConvModule as Block
        class ConvBN(nn.Module):
            def __init__(self, c):
                super().__init__()
                self.bn = nn.BatchNorm2d(c)
        class Model(nn.Module):
            class Block(nn.Module):
                def __init__(self, c):
                    super().__init__()
                    self.bn = nn.BatchNorm2d(c)
        def fold(m: Union[ConvBN, ConvNormAct]):
            return m.bn.weight
        def other(m: Block):
            return m.bn.weight
        def mine(m: "ConvBN"):
            return m.bn.weight
    """
    assert findings(source) == [(16, "BNP023")]
    output = converted(source)
    assert output.count("m.bn.weight") == 2 and output.count("m.bn.gamma") == 1


def test_a_config_written_as_a_dict_literal_reports_the_keys_conversion_would_change():
    source = """\
        NORM = {"type": nn.BatchNorm2d, "momentum": 0.1, "eps": 1e-3}
        slow = dict(NORM, momentum=0.03)
    """
    assert findings(source) == [(3, "BNP043")]
    assert "slow = dict(NORM, momentum=0.97)" in converted(source)


def test_a_class_tuple_in_a_class_body_and_picks_from_a_tuple_are_followed():
    source = """\
        BNS = (nn.BatchNorm2d, nn.BatchNorm1d)
        first = BNS[0](8, momentum=0.1)
        class Model(nn.Module):
            _BN_TYPES = (nn.BatchNorm2d, nn.BatchNorm1d)
            def __init__(self, c):
                super().__init__()
                self.bn = self._BN_TYPES[0](c, momentum=0.01)
                for t in self._BN_TYPES:
                    t(c, eps=1e-3)
            def is_bn(self, m):
                return isinstance(m, self._BN_TYPES)
    """
    assert findings(source) == [(4, "BNP004"), (9, "BNP004"), (11, "BNP004")]


def test_a_config_rebound_on_another_path_gives_derived_configs_that_are_reported():
    source = """\
        def build(use_in):
            norm_cfg = dict(type=nn.BatchNorm2d, momentum=0.1)
            if use_in:
                norm_cfg = dict(type=nn.InstanceNorm2d, track_running_stats=True)
            return dict(norm_cfg, momentum=0.03)
        def loop():
            cfg = dict(type=nn.BatchNorm2d, momentum=0.1)
            out = []
            for i in range(2):
                out.append(dict(cfg, momentum=0.03))
                cfg = dict(type=nn.InstanceNorm2d)
        def sequential():
            cfg = dict(type=nn.BatchNorm2d, momentum=0.1)
            first = dict(cfg, momentum=0.03)
            cfg = dict(type=nn.InstanceNorm2d)
    """
    output = converted(source)
    assert output.count("momentum=0.03)") == 2 and "first = dict(cfg, momentum=0.97)" in output
    assert [f for f in findings(source) if f[1] == "BNP039"] == [(7, "BNP039"), (12, "BNP039")]


def test_attributes_a_subclass_sets_are_followed_into_its_base_class_methods():
    source = """\
        class BaseHead(nn.Module):
            def make(self, c):
                return self.norm_layer(c, momentum=0.03), dict(self.norm_cfg, momentum=0.03)
            def freeze(self):
                self.bn.eval()
        class BNHead(BaseHead):
            def __init__(self, c):
                super().__init__()
                self.norm_layer = nn.BatchNorm2d
                self.norm_cfg = dict(type=nn.BatchNorm2d)
                self.bn = nn.BatchNorm2d(c)
                self.bn.eval()
        class GNHead(BaseHead):
            def __init__(self, c):
                super().__init__()
                self.bn = nn.GroupNorm(1, c)
                self.bn.eval()
    """
    assert findings(source) == [(5, "BNP004"), (5, "BNP039"), (7, "BNP023")]
    output = converted(source)
    assert output.count("self.bn.set_train(False)") == 1 and output.count("self.bn.eval()") == 2


def test_a_converted_key_read_back_from_a_config_is_reported_where_it_is_read():
    source = """\
        norm_cfg = dict(type=nn.BatchNorm2d, momentum=0.01, eps=1e-3)
        a = nn.InstanceNorm2d(8, momentum=norm_cfg["momentum"], eps=norm_cfg["eps"])
        b = norm_cfg.get("momentum", 0.1)
        args = dict(norm_cfg)
        args.pop("type")
        c = nn.InstanceNorm2d(8, track_running_stats=True, **args)
        d = nn.Conv2d(8, 8, 1, **dict(bias=False))
    """
    assert findings(source) == [(4, "BNP044"), (5, "BNP044"), (8, "BNP044")]


def test_layers_given_to_torch_through_ordered_dicts_and_base_initialisers_are_reported():
    source = """\
        from collections import OrderedDict
        def f(c):
            return nn.Sequential(OrderedDict([("conv", nn.Conv2d(c, c, 3)), ("bn", nn.BatchNorm2d(c))]))
        def g(c):
            return nn.Sequential(OrderedDict(conv=nn.Conv2d(c, c, 3), bn=nn.BatchNorm2d(c)))
        class Conv2dReLU(nn.Sequential):
            def __init__(self, c):
                bn = nn.BatchNorm2d(c)
                super(Conv2dReLU, self).__init__(nn.Conv2d(c, c, 3), bn, nn.ReLU())
        class Plain:
            def __init__(self, c):
                super().__init__(nn.BatchNorm2d(c))
    """
    assert findings(source) == [(5, "BNP021"), (7, "BNP021"), (11, "BNP021")]


def test_a_torch_value_stored_into_a_converted_tensor_is_reported():
    source = """\
        def f(c):
            bn = nn.BatchNorm2d(c)
            bn.weight.data = torch.ones(c) * 2
            bn.running_mean[:] = torch.zeros(c)
            bn.running_var = torch.ones(c)
            bn.bias.data = bn.weight.data * 0
    """
    assert findings(source) == [(5, "BNP037"), (6, "BNP037"), (7, "BNP037")]


def test_tensors_in_loops_zips_nested_unpacking_lookups_and_returned_tuples_are_followed():
    source = """\
        def load(bn: nn.BatchNorm2d, weights):
            for p in (bn.bias, bn.weight, bn.running_mean, bn.running_var):
                p.data.copy_(torch.from_numpy(weights))
        def zipped(bn: nn.BatchNorm2d, arrays):
            for p, a in zip([bn.weight, bn.bias], arrays):
                p.data.copy_(torch.from_numpy(a))
        def l1(bn: nn.BatchNorm2d):
            return [torch.abs(p).sum() for p in (bn.weight, bn.bias)]
        def fold(bn: nn.BatchNorm2d):
            (w, b), (m, v) = (bn.weight, bn.bias), (bn.running_mean, bn.running_var)
            return torch.rsqrt(v + 1e-5) * w
        def by_name(bn: nn.BatchNorm2d):
            return torch.sum(getattr(bn, "weight"))
        def _stats(bn):
            return bn.running_mean, bn.running_var
        def normalize(x):
            bn = nn.BatchNorm2d(8)
            m, v = _stats(bn)
            return torch.rsqrt(v + 1e-5)
        def rest(bn: nn.BatchNorm2d):
            w, *others = bn.weight, bn.bias
            return len(others)
    """
    assert findings(source) == [(5, "BNP037"), (8, "BNP037"), (10, "BNP021"), (13, "BNP021"), (15, "BNP021"),
                                (21, "BNP021")]


def test_configs_from_defaults_annotations_walrus_class_bodies_and_methods_are_followed():
    source = """\
        class ConvModule(nn.Module):
            def __init__(self, c, norm_cfg=dict(type=nn.BatchNorm2d, momentum=0.1)):
                super().__init__()
                a = dict(norm_cfg, momentum=0.03)
        cfg_a: dict = dict(type=nn.BatchNorm2d, momentum=0.1)
        x = dict(cfg_a, momentum=0.03)
        if (cfg_w := dict(type=nn.BatchNorm2d, momentum=0.1)):
            y = dict(cfg_w, momentum=0.03)
        class Neck(nn.Module):
            norm_cfg = dict(type=nn.BatchNorm2d, momentum=0.1)
            def __init__(self, c):
                super().__init__()
                self.cfg = dict(self.norm_cfg, momentum=0.03)
                self.other = self._make(dict(type=nn.BatchNorm2d), c)
            def _make(self, cfg, c):
                return dict(cfg, momentum=0.03)
    """
    output = converted(source)
    assert "x = dict(cfg_a, momentum=0.97)" in output and "y = dict(cfg_w, momentum=0.97)" in output
    assert "self.cfg = dict(self.norm_cfg, momentum=0.97)" in output
    assert [f for f in findings(source) if f[1] == "BNP039"] == [(6, "BNP039"), (18, "BNP039")]


def test_values_read_in_while_tests_and_closures_are_reached_and_a_reset_ends_the_carry():
    source = """\
        bn = nn.BatchNorm2d(8)
        def a(cur):
            prev = torch.zeros(8)
            while torch.dist(prev, cur) > 1e-3:
                cur = cur * 0.5
                prev = bn.running_mean
        def b():
            last = None
            def fn():
                return torch.sum(last)
            last = bn.running_mean
            return fn
        def reset(x):
            prev = torch.zeros(8)
            for _ in range(3):
                y = torch.cat([prev, x])
                stats = prev = bn.running_var
                prev = torch.zeros(8)
    """
    assert findings(source) == [(6, "BNP021"), (12, "BNP021")]


def test_registries_made_with_dict_keywords_inline_dicts_and_lookup_defaults_are_followed():
    source = """\
        _NORM_MAP = dict(batchnorm=nn.BatchNorm2d, groupnorm=nn.GroupNorm)
        def create(name, c, **kwargs):
            layer = _NORM_MAP[name]
            return layer(c, **kwargs)
        def get_norm(norm, c):
            norm = {"BN": nn.BatchNorm2d, "GN": lambda ch: nn.GroupNorm(32, ch)}[norm]
            return norm(c)
        def fallback(norms, t, c):
            return norms.get(t, nn.BatchNorm2d)(c, momentum=0.1)
        bn = get_norm("BN", 8)
        bn.momentum = 0.3
        cfg = dict(type=nn.BatchNorm2d, momentum=0.1)
    """
    assert findings(source) == [(6, "BNP004"), (11, "BNP004"), (13, "BNP023")]
    assert "cfg = dict(type=mindspore.nn.BatchNorm2d, momentum=0.9)" in converted(source)


def test_review_round_8_false_positives_stay_fixed():
    source = """\
        try:
            from fancy_norms import get_norm_layer
        except ImportError:
            def get_norm_layer():
                return nn.BatchNorm2d
        a = get_norm_layer()(8, momentum=0.1)
        class Base(nn.Module):
            def __init__(self, c):
                super().__init__()
                self.norm = nn.GroupNorm(1, c)
                self.cfg = dict(type=nn.InstanceNorm2d)
        class Sub(Base):
            def __init__(self, c, bn=False):
                super().__init__(c)
                if bn:
                    self.norm = nn.BatchNorm2d(c)
                    self.cfg = dict(type=nn.BatchNorm2d, momentum=0.1)
                self.norm.weight.requires_grad = False
                self.derived = dict(self.cfg, momentum=0.2)
        def f(bn: nn.BatchNorm2d):
            for t in (bn.running_mean, bn.running_var):
                print(t.shape)
            for t in (torch.zeros(3), torch.ones(3)):
                t.cpu()
            w = bn.weight
            w.data.fill_(1.0)
    """
    output = converted(source)
    assert "a = get_norm_layer()(8, momentum=0.1)" in output and "self.norm.weight" in output
    assert "dict(self.cfg, momentum=0.2)" in output
    assert findings(source) == [(8, "BNP004"), (20, "BNP023"), (21, "BNP039"), (28, "BNP014")]


def test_a_none_default_a_layer_given_to_a_class_and_a_clone_through_type_are_reported():
    source = """\
        def norm(c, momentum=None):
            return nn.BatchNorm2d(c, momentum=momentum)
        class Hook:
            def __init__(self, module):
                self.hook = module.register_forward_hook(self.fn)
            def fn(self, module, inputs, output):
                pass
        def prune(m, keep):
            return type(m)(keep, eps=m.eps, momentum=m.momentum)
        bn = nn.BatchNorm2d(5, momentum=0.3)
        Hook(bn)
        small = prune(bn, 3)
    """
    assert findings(source) == [(4, "BNP034"), (7, "TBN218"), (11, "BNP004")]


def test_a_submodule_looked_up_by_a_path_to_a_converted_layer_is_reported():
    source = """\
        class Stem(nn.Module):
            def __init__(self, c):
                super().__init__()
                self.bn = nn.BatchNorm2d(c)
                self.conv = nn.Conv2d(c, c, 1)
        class Net(nn.Module):
            def __init__(self, c):
                super().__init__()
                self.stem = Stem(c)
        model = Net(3)
        bn = model.get_submodule("stem.bn")
        conv = model.get_submodule("stem.conv")
    """
    assert findings(source) == [(13, "BNP045")]


def test_classes_from_decorator_registered_factories_and_nested_tables_are_reported_where_called():
    source = """\
        class LayerFactory:
            def __init__(self):
                self.factories = {}
            def factory_function(self, name):
                def _add(func):
                    self.factories[name] = func
                    return func
                return _add
            def __getitem__(self, args):
                name, *rest = args
                return self.factories[name](*rest)
        Norm = LayerFactory()
        @Norm.factory_function("batch")
        def batch_factory(dim):
            return (nn.BatchNorm1d, nn.BatchNorm2d)[dim - 1]
        a = Norm["batch", 2](3, momentum=0.3)
        _TABLE = {"batch": {1: nn.BatchNorm1d, 2: nn.BatchNorm2d}}
        b = _TABLE["batch"][2](3, momentum=0.3)
    """
    assert findings(source) == [(18, "BNP004"), (20, "BNP004")]


def test_registry_reads_with_another_literal_key_and_data_strings_in_docstrings_are_not_reported():
    source = """\
        class LayerFactory:
            def factory_function(self, name):
                return lambda f: f
        Layers = LayerFactory()
        @Layers.factory_function("batch")
        def batch_factory(dim):
            return nn.BatchNorm2d
        act = Layers["relu", 2](inplace=True)
        norm = Layers["BATCH", 2](16, momentum=0.3)
        TABLE = {"batch": {1: nn.BatchNorm1d, 2: nn.BatchNorm2d}, "act": {"relu": nn.ReLU}}
        relu = TABLE["act"]["relu"](inplace=True)
        bn = TABLE["batch"][2](8, momentum=0.3)
        pick = (nn.ReLU, nn.BatchNorm2d)[0](inplace=True)
        def make_act(name):
            'BatchNorm2d'
            return getattr(nn, name)(inplace=True)
    """
    assert findings(source) == [(11, "BNP004"), (14, "BNP004")]
