"""A rule file with an error is rejected at load with its file, key and reason (CLI exit 2)."""

import subprocess
import sys
from pathlib import Path

import pytest

import bnport

from bnport.rules import RuleError, default_rules_dir, load_rules

GOOD = (default_rules_dir() / "torch_nn.toml").read_text()
COMMON = (default_rules_dir() / "common.toml").read_text()


def broken(tmp_path: Path, old: str, new: str) -> Path:
    assert old in GOOD
    (tmp_path / "torch_nn.toml").write_text(GOOD.replace(old, new, 1))
    return tmp_path


@pytest.mark.parametrize(
    "old, new, key, reason",
    [
        ('safety = "exact"', 'safety = "mostly"', "TBN001.safety", "expected one of"),
        ('to = "momentum"\ntransform = "one_minus"', 'to = "momentum"\ntransform = "negate"', "TBN001.args.momentum.transform", "expected one of"),
        ("[rule.args.eps]\nto = \"eps\"", "[rule.args.eps]\nrename = \"eps\"", "TBN001.args.eps.rename", "unknown key"),
        ('source_signature = "torch_bn"', 'source_signature = "nope"', "TBN001.source_signature", "unknown signature"),
        ('[rule.args.device]\ndrop = "TBN101"\n', "", "TBN001.args", "'device'"),
        ('id = "TBN002"', 'id = "TBN001"', "rule.id", "already defined"),
        ('None = { refuse = "TBN105"', 'None = { ignore = "TBN105"', "TBN001.args.momentum.values.None", "exactly one of"),
        ('within = { interval = "(0, 1]"', 'within = { interval = "(0; 1]"', "TBN001.args.eps.within.interval", "expected an interval"),
        ('"mindspore.float16" = { warn', '"mindspore.float16" = { allow', "TBN001.args.dtype.targets.mindspore.float16.allow", "unknown key"),
        ('input_ranks = [2, 4]', 'input_ranks = ["2-D"]', "TBN002.input_ranks", "expected a list of integers"),
        ("\n[signatures]\n", "\n[signatures\n", "(file)", "Expected"),
        ('extends = "TBN001"', 'extends = "TBN009"', "TBN002.extends", "no earlier rule 'TBN009'"),
    ],
)
def test_broken_rule_file_is_rejected_with_file_key_and_reason(tmp_path, old, new, key, reason):
    directory = broken(tmp_path, old, new)
    with pytest.raises(RuleError) as caught:
        load_rules.__wrapped__(directory)
    message = str(caught.value)
    assert message.startswith(str(directory / "torch_nn.toml") + ": ")
    assert key in message and reason in message


def test_cli_exits_2_on_a_broken_rule_file(tmp_path):
    directory = broken(tmp_path, 'safety = "exact"', 'safety = "mostly"')
    source = tmp_path / "m.py"
    source.write_text("import torch.nn as nn\nnn.BatchNorm2d(3)\n")
    run = subprocess.run(
        [sys.executable, "-m", "bnport", "rewrite", str(source)],
        capture_output=True, text=True,
        # this checkout's bnport, not whichever one is installed
        env={"BNPORT_RULES": str(directory), "PATH": "", "PYTHONPATH": str(Path(bnport.__file__).parents[1])},
    )
    assert run.returncode == 2
    assert "torch_nn.toml: TBN001.safety: expected one of" in run.stderr
    assert source.read_text() == "import torch.nn as nn\nnn.BatchNorm2d(3)\n"


def test_shipped_rules_load():
    rules = load_rules()
    assert {"TBN001", "TBN002", "TBN003"} <= {r.id for r in rules.rules}
    assert rules.by_source["torch.nn.BatchNorm2d"][1].target == "mindspore.nn.BatchNorm2d"


def test_rules_ship_inside_the_wheel(tmp_path):
    """A non-editable install finds rules/ as bnport/rules inside the wheel."""
    import zipfile

    repo = Path(__file__).resolve().parent.parent
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path), str(repo)],
        check=True, capture_output=True,
    )
    wheel = next(tmp_path.glob("bnport-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "bnport/rules/torch_nn.toml" in names
    assert "bnport/rules.py" in names


def test_a_default_is_written_out_when_the_argument_is_absent(tmp_path):
    """Schema: `default` makes a differing default explicit (Keras needs momentum=0.99, eps=1e-3)."""
    from bnport.convert import convert_file

    text = GOOD.replace('[rule.args.eps]\nto = "eps"\n', '[rule.args.eps]\nto = "eps"\ndefault = "1e-3"\n', 1)
    (tmp_path / "torch_nn.toml").write_text(text)
    (tmp_path / "common.toml").write_text(COMMON)
    rules = load_rules.__wrapped__(tmp_path)
    convert = lambda src: convert_file("m.py", src.encode(), rules).converted.decode()
    assert convert("import torch.nn as nn\nbn = nn.BatchNorm2d(3)\n") == "import mindspore\nbn = mindspore.nn.BatchNorm2d(3, eps=1e-3)\n"
    assert convert("import torch.nn as nn\nbn = nn.BatchNorm2d(3, 1e-4)\n") == "import mindspore\nbn = mindspore.nn.BatchNorm2d(3, 1e-4)\n"
    assert convert("import torch.nn as nn\nbn = nn.BatchNorm2d(\n    3,\n)\n") == "import mindspore\nbn = mindspore.nn.BatchNorm2d(\n    3,\n    eps=1e-3,\n)\n"
    splat = convert_file("m.py", b"import torch.nn as nn\nbn = nn.BatchNorm2d(3, **kw)\n", rules)
    assert [f.argument for f in splat.findings] == ["eps", None]


def test_a_default_needs_a_target_name(tmp_path):
    (tmp_path / "torch_nn.toml").write_text(GOOD.replace('[rule.args.device]\n', '[rule.args.device]\ndefault = "1"\n', 1))
    with pytest.raises(RuleError, match="TBN001.args.device.default: a default is written under the 'to' name"):
        load_rules.__wrapped__(tmp_path)


def test_an_addition_after_a_commented_trailing_comma_keeps_the_comment(tmp_path):
    from bnport.convert import convert_file

    (tmp_path / "torch_nn.toml").write_text(GOOD.replace('[rule.args.eps]\nto = "eps"\n', '[rule.args.eps]\nto = "eps"\ndefault = "1e-3"\n', 1))
    (tmp_path / "common.toml").write_text(COMMON)
    rules = load_rules.__wrapped__(tmp_path)
    out = convert_file("m.py", b"import torch.nn as nn\nbn = nn.BatchNorm2d(\n    3,  # channels\n)\n", rules).converted
    assert out == b"import mindspore\nbn = mindspore.nn.BatchNorm2d(\n    3,  # channels\neps=1e-3,\n)\n"
    assert out.count(b"# channels") == 1


@pytest.mark.parametrize(
    "old, new, key, reason",
    [
        ('drop = "TBN101"', 'drop = "device goes"', "TBN001.args.device.drop", "expected a finding code"),
        ('drop = "TBN101"', 'drop = "TBN999"', "TBN001", "unknown finding code 'TBN999'"),
        ('[codes.TBN101]\ntitle', '[codes.TBN101]\ncolour = "red"\ntitle', "codes.TBN101.colour", "unknown key"),
        ('[codes.TBN102]\ntitle = "bias has no counterpart: MindSpore always creates beta"\nseverity = "warning"',
         '[codes.TBN102]\ntitle = "bias has no counterpart: MindSpore always creates beta"\nseverity = "loud"',
         "codes.TBN102.severity", "expected one of"),
        ('[codes.TBN109]\nkind = "star-args"', '[codes.TBN109]\nkind = "stars"', "codes.TBN109.kind", "expected one of"),
    ],
)
def test_broken_finding_codes_are_rejected_with_file_key_and_reason(tmp_path, old, new, key, reason):
    directory = broken(tmp_path, old, new)
    (directory / "common.toml").write_text(COMMON)
    with pytest.raises(RuleError) as caught:
        load_rules.__wrapped__(directory)
    assert key in str(caught.value) and reason in str(caught.value)


def test_every_engine_finding_needs_a_common_code(tmp_path):
    (tmp_path / "torch_nn.toml").write_text(GOOD)
    (tmp_path / "common.toml").write_text(COMMON.replace('kind = "escape"\n', "", 1))
    with pytest.raises(RuleError, match="findings escape"):
        load_rules.__wrapped__(tmp_path)


def test_a_code_is_defined_once(tmp_path):
    (tmp_path / "torch_nn.toml").write_text(GOOD)
    (tmp_path / "common.toml").write_text(COMMON + '\n[codes.TBN101]\ntitle = "x"\nseverity = "info"\nmessage = "x"\nwhy = "x"\nfix = "x"\n')
    with pytest.raises(RuleError, match="codes.TBN101: already defined in"):
        load_rules.__wrapped__(tmp_path)


KERAS = (default_rules_dir() / "keras.toml").read_text()


@pytest.mark.parametrize(
    "old, new, key, reason",
    [
        ('"{keras_layers}.Dense" = { kind = "dense"', '"{keras_layers}.Dense" = { kind = "dens"', "layers.{keras_layers}.Dense.kind", "expected one of"),
        ('"{keras_layers}.Conv1D" = { kind = "conv", rank = 3, count = "filters"', '"{keras_layers}.Conv1D" = { kind = "conv", rank = 1, count = "filters"', "layers.{keras_layers}.Conv1D.rank", "rank of 2 or more"),
        ('"{keras_layers}.Dense" = { kind = "dense", count = "units"', '"{keras_layers}.Dense" = { kind = "dense", count = "width"', "layers.{keras_layers}.Dense.count", "not a parameter of its signature"),
        ('"{keras_layers}.Conv2D" = { kind = "conv", rank = 4, count = "filters", signature = "conv" }', '"{keras_layers}.Conv2D" = { kind = "conv", count = "filters", signature = "conv" }', "layers.{keras_layers}.Conv2D.rank", "required key"),
        ('"{keras_layers}.Flatten" = { kind = "flatten" }', '"{keras_layers}.Flatten" = { kind = "flatten", count = "units" }', "layers.{keras_layers}.Flatten.count", "unknown key"),
        ('keeps_layers = [', 'keeps = [', "infer.keeps", "unknown key"),
        ('per_channel = "value", tensor = "{mindspore}.Tensor({value}', 'per_channel = "data", tensor = "{mindspore}.Tensor({value}', "Constant.per_channel", "a parameter of the signature"),
        ('reassigned = "KBN304"', 'reassigned = "KBN999"', "KBN001", "unknown finding code 'KBN999'"),
    ],
)
def test_broken_keras_tables_are_rejected_with_file_key_and_reason(tmp_path, old, new, key, reason):
    assert old in KERAS
    (tmp_path / "keras.toml").write_text(KERAS.replace(old, new, 1))
    (tmp_path / "common.toml").write_text(COMMON)
    with pytest.raises(RuleError) as caught:
        load_rules.__wrapped__(tmp_path)
    message = str(caught.value)
    assert message.startswith(str(tmp_path / "keras.toml") + ": ")
    assert key in message and reason in message, message
