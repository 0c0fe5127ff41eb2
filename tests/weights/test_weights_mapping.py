"""weights/mapping.py: the key map, from the rules' attribute tables, and what it reports."""

import shutil
import struct

import pytest

from bnport.rules import RuleError, default_rules_dir, load_rules
from bnport.weights.mapping import Family, plan
from bnport.weights.model import WeightsError
from bnport.weights.read import Entry
from bnport.weights.source import LayerKinds, Site


def entry(name, shape=(4,), dtype="F32"):
    return Entry(name, dtype, tuple(shape), lambda: b"")


def bn(prefix, c=4, affine=True, tracked=True, stats=True):
    names = (["weight", "bias"] if affine else []) + (["running_mean", "running_var"] if stats else [])
    entries = [entry(f"{prefix}.{n}" if prefix else n, (c,)) for n in names]
    if tracked and stats:
        entries.append(entry(f"{prefix}.num_batches_tracked" if prefix else "num_batches_tracked", (), "I64"))
    return entries


def kinds(**paths):
    result = LayerKinds()
    for key, klass in paths.items():
        result.paths[tuple(key.split("__"))] = {Site(f"torch.nn.{klass}", "m.py:1")}
    return result


@pytest.fixture(scope="module")
def rules():
    return load_rules()


def test_family_comes_from_the_rules(rules):
    family = Family.from_rules(rules)
    assert {n: s.to for n, s in family.entries.items()} == {
        "weight": "gamma", "bias": "beta", "running_mean": "moving_mean", "running_var": "moving_variance",
        "num_batches_tracked": None}
    assert family.marks == ("running_mean", "running_var")
    assert family.classes["torch.nn.BatchNorm3d"][1].attribute_path == "bn2d"
    assert family.classes["torch.nn.SyncBatchNorm"][1].attribute_path == ""


def test_a_batchnorm_is_renamed_and_num_batches_tracked_dropped(rules):
    result = plan([entry("conv.weight", (4, 3, 3, 3)), *bn("layer1.0.bn1"), entry("fc.weight", (2, 4))], rules)
    assert result.renamed == [("layer1.0.bn1.weight", "layer1.0.bn1.gamma"), ("layer1.0.bn1.bias", "layer1.0.bn1.beta"),
                              ("layer1.0.bn1.running_mean", "layer1.0.bn1.moving_mean"),
                              ("layer1.0.bn1.running_var", "layer1.0.bn1.moving_variance")]
    assert [key for key, _ in result.dropped] == ["layer1.0.bn1.num_batches_tracked"]
    assert "no MindSpore counterpart" in result.dropped[0][1]
    assert result.unchanged == ["conv.weight", "fc.weight"]
    assert [i.name for i in result.items] == ["conv.weight", "layer1.0.bn1.gamma", "layer1.0.bn1.beta",
                                              "layer1.0.bn1.moving_mean", "layer1.0.bn1.moving_variance", "fc.weight"]
    assert [f.severity for f in result.findings] == ["info"]  # assumed 1d/2d, no 5-D tensor around


def test_a_top_level_batchnorm(rules):
    result = plan(bn(""), rules)
    assert [i.name for i in result.items] == ["gamma", "beta", "moving_mean", "moving_variance"]


def test_affine_false_gets_gamma_ones_and_beta_zeros_in_its_dtype(rules):
    result = plan([entry("bn.running_mean", (3,), "F16"), entry("bn.running_var", (3,), "F16")], rules)
    filled = {item.name: item for item in result.items if item.fill}
    assert [(k, v) for k, v, _ in result.filled] == [("bn.gamma", "ones"), ("bn.beta", "zeros")]
    assert filled["bn.gamma"].read() == struct.pack("<3e", 1, 1, 1) and filled["bn.beta"].read() == bytes(6)
    assert filled["bn.gamma"].dtype == "F16" and filled["bn.gamma"].shape == (3,)


def test_bfloat16_ones(rules):
    result = plan([entry("bn.running_mean", (2,), "BF16"), entry("bn.running_var", (2,), "BF16")], rules)
    gamma = next(i for i in result.items if i.name == "bn.gamma")
    assert gamma.read() == b"\x80\x3f" * 2  # 1.0 in bfloat16


def test_weight_and_bias_alone_are_a_batchnorm_only_when_the_code_says_so(rules):
    entries = bn("norm", stats=False)
    assert plan(entries, rules).layers == []
    result = plan(entries, rules, kinds=kinds(norm="BatchNorm2d"))
    assert [i.name for i in result.items] == ["norm.gamma", "norm.beta", "norm.moving_mean", "norm.moving_variance"]
    assert [v for _, v, _ in result.filled] == ["zeros", "ones"]


def test_bn3d_by_flag_by_source_and_by_expected_names(rules):
    entries = [*bn("video.bn"), *bn("image.bn"), entry("video.conv.weight", (4, 4, 1, 3, 3))]
    by_flag = plan(entries, rules, bn3d=("video.bn",))
    assert "video.bn.bn2d.gamma" in {i.name for i in by_flag.items} and "image.bn.gamma" in {i.name for i in by_flag.items}
    assert {l.prefix: l.decided_by for l in by_flag.layers} == {"video.bn": "--bn3d", "image.bn": "--bn3d (not named)"}
    assert not [f for f in by_flag.findings if f.severity != "info"]

    by_source = plan(entries, rules, kinds=kinds(video__bn="BatchNorm3d", image__bn="BatchNorm2d"))
    assert {l.prefix: (l.label, l.path) for l in by_source.layers} == {"video.bn": ("BatchNorm3d", "bn2d"),
                                                                        "image.bn": ("BatchNorm2d", "")}
    expected = {"video.bn.bn2d.gamma", "video.bn.bn2d.beta", "video.bn.bn2d.moving_mean", "video.bn.bn2d.moving_variance",
                "image.bn.gamma", "image.bn.beta", "image.bn.moving_mean", "image.bn.moving_variance", "video.conv.weight"}
    by_names = plan(entries, rules, expected=expected)
    assert {i.name for i in by_names.items} == expected and by_names.missing == by_names.unexpected == []
    assert {l.decided_by for l in by_names.layers} == {"--expect"}


def test_undecided_layers_are_a_warning_only_next_to_5d_tensors(rules):
    quiet = plan(bn("bn"), rules)
    assert [f.severity for f in quiet.findings] == ["info"] and "assumed" in quiet.findings[0].message
    loud = plan([*bn("bn"), entry("conv.weight", (4, 4, 3, 3, 3))], rules)
    assert [f.severity for f in loud.findings] == ["warning"]
    assert "pass --source DIR, --bn3d PREFIX or --expect NAMES" in loud.findings[0].message


def test_ambiguous_source_is_reported(rules):
    ambiguous = LayerKinds()
    ambiguous.paths[("bn",)] = {Site("torch.nn.BatchNorm2d", "a.py:3"), Site("torch.nn.BatchNorm3d", "b.py:9")}
    result = plan(bn("bn"), rules, kinds=ambiguous)
    warning = next(f for f in result.findings if f.severity == "warning")
    assert "BatchNorm2d at a.py:3, BatchNorm3d at b.py:9" in warning.message and warning.key == "bn"
    assert result.layers[0].path == ""


def test_other_norm_layers_are_reported_with_their_mindspore_names_and_left(rules):
    entries = [entry("enc.ln.weight"), entry("enc.ln.bias"), entry("gn.weight"), entry("gn.bias")]
    result = plan(entries, rules, kinds=kinds(ln="LayerNorm", gn="GroupNorm"))
    assert result.unchanged == [e.name for e in entries]
    messages = {f.key: f.message for f in result.findings}
    assert "enc.ln.weight -> enc.ln.gamma, enc.ln.bias -> enc.ln.beta" in messages["enc.ln"]
    assert "mindspore.nn.GroupNorm" in messages["gn"]
    assert {f.severity for f in result.findings} == {"warning"}


def test_instance_norm_with_running_stats_is_not_converted_when_the_code_says_what_it_is(rules):
    result = plan(bn("inorm"), rules, kinds=kinds(inorm="InstanceNorm2d"))
    assert result.layers == [] and len(result.unchanged) == 5
    assert "not a BatchNorm" in result.findings[0].message


def test_without_source_1d_weights_get_a_hint(rules):
    result = plan([entry("norm.weight"), entry("norm.bias"), entry("fc.weight", (2, 3))], rules)
    assert len(result.findings) == 1 and "norm" in result.findings[0].message
    assert result.findings[0].severity == "info"


def test_lookalikes_are_left_and_reported(rules):
    odd_shape = [entry("a.running_mean", (4,)), entry("a.running_var", (5,))]
    extra = [*bn("b"), entry("b.scale")]
    result = plan(odd_shape + extra, rules)
    assert result.layers == [] and len(result.unchanged) == 8
    messages = [f.message for f in result.findings if f.severity == "warning"]
    assert any("shapes differ" in m for m in messages) and any("it also holds scale" in m for m in messages)


def test_expected_names_report_missing_and_unexpected(rules):
    result = plan([*bn("bn"), entry("ln.weight")], rules, expected={"bn.gamma", "bn.beta", "bn.moving_mean",
                                                                    "bn.moving_variance", "ln.gamma"})
    assert result.missing == ["ln.gamma"] and result.unexpected == ["ln.weight"]
    assert sum(f.severity == "error" for f in result.findings) == 2


def test_a_bn3d_flag_that_matches_nothing_is_a_warning(rules):
    result = plan(bn("bn"), rules, bn3d=("nope",))
    assert any(f.key == "nope" and f.severity == "warning" for f in result.findings)


def test_a_name_collision_stops_the_run(rules):
    with pytest.raises(WeightsError, match="bn.bn2d.gamma"):
        plan([*bn("bn"), entry("bn.bn2d.gamma")], rules, bn3d=("bn",))


def test_mindspore_names_beside_torch_ones_are_not_a_batchnorm(rules):
    result = plan([*bn("bn"), entry("bn.gamma")], rules)
    assert result.layers == [] and "it also holds gamma" in result.findings[0].message


def test_the_map_is_data(tmp_path):
    """Another attribute table in rules/ means another key map, with no code change."""
    for path in default_rules_dir().glob("*.toml"):
        shutil.copy(path, tmp_path)
    torch_rules = tmp_path / "torch_nn.toml"
    text = torch_rules.read_text()
    old = 'weight = { to = "gamma", state_key = "prefixed", tensor = true, absent = "ones", none_check = "TBN222" }'
    assert old in text
    text = text.replace(old, 'weight = { to = "scale", state_key = "prefixed", tensor = true, absent = "zeros" }')
    text = text.replace('attribute_path = "bn2d"', 'attribute_path = "inner"')
    torch_rules.write_text(text)
    rules = load_rules(tmp_path)
    result = plan([*bn("a", affine=False), *bn("b")], rules, bn3d=("b",))
    assert {i.name for i in result.items} >= {"a.scale", "b.inner.scale"}
    assert ("a.scale", "zeros") in [(k, v) for k, v, _ in result.filled]


@pytest.mark.parametrize("replace, message", [
    (('num_batches_tracked = { report', 'num_batches_tracked = { absent = "ones", report'), "only renamed entries"),
    (('absent = "ones" }', 'absent = "twos" }'), "expected one of ones, zeros"),
    (('entries = { weight = "gamma", bias = "beta" }\nreport = "{prefix} is a {source}: MindSpore',
      'entries = {}\nreport = "{prefix} is a {source}: MindSpore'), "at least one entry"),
    (('target = "mindspore.nn.GroupNorm"', 'target = 3'), "checkpoint_layers[1].target"),
])
def test_bad_weights_data_is_rejected_at_load(tmp_path, replace, message):
    for path in default_rules_dir().glob("*.toml"):
        shutil.copy(path, tmp_path)
    torch_rules = tmp_path / "torch_nn.toml"
    text = torch_rules.read_text()
    assert replace[0] in text
    torch_rules.write_text(text.replace(replace[0], replace[1], 1))
    with pytest.raises(RuleError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_rules(tmp_path)


def test_the_rewritten_code_decides_too(rules):
    result = plan(bn("bn3"), rules, kinds=_ms_kinds())
    assert result.layers[0].path == "bn2d" and result.layers[0].label == "BatchNorm3d"


def _ms_kinds():
    result = LayerKinds()
    result.paths[("bn3",)] = {Site("mindspore.nn.BatchNorm3d", "m.py:4")}
    return result
