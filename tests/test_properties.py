"""Property tests. CI runs a bounded number of examples (profile "ci"); HYPOTHESIS_PROFILE=long
runs many more.

1. Any valid program (hypothesmith): bnport never crashes, its output re-parses, a second pass
   changes nothing, and a program without BatchNorm comes back byte-identical.
2. Generated torch BatchNorm calls, in every import form and with comments, line breaks and
   parentheses sprinkled inside, map to what an independent oracle (written here from
   semantics.md, not from bnport's rules) says the MindSpore call must be.
3. Fixtures mutated the same way (and with `nn` renamed) convert to the same program.
"""

import ast
import re
from decimal import Decimal
from pathlib import Path

import hypothesmith
import libcst as cst
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bnport.convert import convert_file
from bnport.rules import load_rules

RULES = load_rules()
FIXTURES = sorted((Path(__file__).resolve().parent.parent / "fixtures").glob("*/*/before.py"))


def convert(source: str):
    return convert_file("generated.py", source.encode(), RULES)


def assert_sound(result):
    """The invariants every conversion keeps, whatever the input."""
    assert result.status in ("changed", "unchanged", "error")
    if result.status == "error":
        assert "cannot parse" in result.error, result.error  # never an internal error
        assert result.converted is None
    if result.status == "changed":
        ast.parse(result.converted.decode())
        again = convert_file("generated.py", result.converted, RULES)
        assert again.status == "unchanged" and not again.edits


# -- 1. any program -------------------------------------------------------------------------

@given(hypothesmith.from_grammar())
def test_any_program_without_batchnorm_is_identical(source):
    result = convert(source)
    assert_sound(result)
    if not any(token in source.encode() for token in RULES.tokens):
        assert result.status == "unchanged" and result.converted is None


@given(st.one_of(hypothesmith.from_grammar(), hypothesmith.from_node()), st.sampled_from([
    "bn = nn.BatchNorm2d(3, momentum=0.1)\n",
    "bn = nn.BatchNorm1d(8, 1e-3, 0.2, True, False, device='cpu')\n",
    "bn = nn.SyncBatchNorm(4, momentum=m, **kw)\n",
    "bn = nn.BatchNorm3d(2, momentum=None)\n",
]))
def test_any_program_with_a_batchnorm_call_converts_soundly(program, call):
    source = "import torch.nn as nn\n" + program + ("" if program.endswith("\n") else "\n") + call
    assert_sound(convert(source))


# -- 2. generated calls against an oracle ------------------------------------------------------

TORCH_SIGNATURE = ["num_features", "eps", "momentum", "affine", "track_running_stats", "device", "dtype"]
MS_SIGNATURE = ["num_features", "eps", "momentum", "affine", "gamma_init", "beta_init",
                "moving_mean_init", "moving_var_init", "use_batch_statistics", "data_format", "dtype"]
DTYPES = {"torch.float16": "mindspore.float16", "torch.float32": "mindspore.float32",
          "torch.float64": "mindspore.float64", "torch.half": "mindspore.float16", "torch.double": "mindspore.float64"}
IMPORT_FORMS = [
    ("import torch.nn as nn", lambda cls: f"nn.{cls}"),
    ("import torch", lambda cls: f"torch.nn.{cls}"),
    ("from torch import nn as layers", lambda cls: f"layers.{cls}"),
    ("from torch.nn import {cls} as Norm", lambda cls: "Norm"),
    ("import torch.nn.modules.batchnorm as bnm", lambda cls: f"bnm.{cls}"),
]


def value_choices():
    return {
        "num_features": st.sampled_from(["64", "channels", "planes * 4"]),
        "eps": st.sampled_from(["1e-5", "1e-3", "0.001", "2e-5"]),
        "momentum": st.sampled_from(["0.1", ".01", "1e-3", "0.03", "0.5", "0.3", "mom", "mom * 2", "mom + 0.1", "-mom", "f(mom)"]),
        "affine": st.sampled_from(["True", "False"]),
        "track_running_stats": st.sampled_from(["True", "False", "flag"]),
        "device": st.sampled_from(["'cpu'", "device"]),
        "dtype": st.sampled_from(sorted(DTYPES)),
    }


def expected_mapping(given: dict) -> dict:
    """The oracle: MindSpore keyword -> expected source (or Decimal for a folded momentum)."""
    expected = {}
    for name, text in given.items():
        if name in ("num_features", "eps", "affine"):
            expected[name] = text
        elif name == "momentum":
            try:
                expected[name] = Decimal(1) - Decimal(text)
            except ArithmeticError:
                expected[name] = f"1 - ({text})"
        elif name == "track_running_stats":
            if text == "False":
                expected["use_batch_statistics"] = "True"
            elif text != "True":
                expected["use_batch_statistics"] = f"None if {text} else True"
        elif name == "dtype":
            expected[name] = DTYPES[text]
    return expected


@st.composite
def torch_calls(draw):
    cls = draw(st.sampled_from(["BatchNorm1d", "BatchNorm2d", "BatchNorm3d"]))
    import_line, callee = draw(st.sampled_from(IMPORT_FORMS))
    choices = value_choices()
    given = {"num_features": draw(choices["num_features"])}
    for name in TORCH_SIGNATURE[1:]:
        if draw(st.booleans()):
            given[name] = draw(choices[name])
    leading = 0
    while leading < len(TORCH_SIGNATURE) and TORCH_SIGNATURE[leading] in given:
        leading += 1
    positional = draw(st.integers(0, leading))
    pieces = []
    for index, (name, text) in enumerate(sorted(given.items(), key=lambda kv: TORCH_SIGNATURE.index(kv[0]))):
        if draw(st.booleans()):
            text = f"({text})"
        if draw(st.booleans()):
            text = f"(  # about {name}\n        {text})"
        pieces.append(text if index < positional else f"{name}{draw(st.sampled_from(['=', ' = ']))}{text}")
    separators = [draw(st.sampled_from([", ", ",\n        ", ",  # note\n        ", " ,"])) for _ in pieces]
    args = "".join(p + s for p, s in zip(pieces, separators))[: -len(separators[-1])]
    if draw(st.booleans()):
        args += ","  # a trailing comma
    source = (
        f"import torch\n{import_line.format(cls=cls)}\n\n\nclass Block:\n    def __init__(self, channels, planes, mom, flag, device):\n"
        f"        self.bn = {callee(cls)}(\n        {args})  # the norm\n"
    )
    return source, cls, given


def call_arguments(call: ast.Call, signature: list) -> dict:
    bound = {signature[i]: arg for i, arg in enumerate(call.args)}
    bound.update({kw.arg: kw.value for kw in call.keywords})
    return bound


@given(torch_calls())
def test_generated_calls_map_as_the_oracle_says(case):
    source, cls, given = case
    result = convert(source)
    assert_sound(result)
    if DTYPES.get(given.get("dtype")) == "mindspore.float64":
        # MindSpore's BatchNorm cannot compute in float64: an error, and the call is left
        assert [f.code for f in result.findings if f.severity == "error"] == ["TBN402"], result.findings
        assert "mindspore.nn" not in (result.converted or b"").decode()
        return
    assert result.status == "changed", (source, result.findings)
    tree = ast.parse(result.converted.decode())
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and ast.unparse(n.func) == f"mindspore.nn.{cls}"]
    assert len(calls) == 1, result.converted.decode()
    actual = call_arguments(calls[0], MS_SIGNATURE)
    expected = expected_mapping(given)
    assert set(actual) == set(expected), (source, result.converted.decode())
    for name, want in expected.items():
        if isinstance(want, Decimal):
            # folded exactly: the literal's decimal text equals 1 - m, no float noise
            assert Decimal(ast.unparse(actual[name])) == want, ast.unparse(actual[name])
        else:
            assert ast.dump(actual[name]) == ast.dump(ast.parse(want, mode="eval").body), (name, source)
    output = result.converted.decode()
    # Every comment survives: outside the edit, inside kept values, and in the note on removed ones.
    assert all(comment in output for comment in re.findall(r"# [a-z_ ]+", source)), output
    assert ("device" in given) == ("removed device=" in result.converted.decode())


# -- 3. mutated fixtures ----------------------------------------------------------------------

class _Mutate(cst.CSTTransformer):
    """Inside calls to *BatchNorm*: parentheses around values, comments and line breaks after commas."""

    def __init__(self, draw):
        self.draw = draw

    def leave_Call(self, original, updated):
        if "BatchNorm" not in cst.Module([]).code_for_node(updated.func):
            return updated
        args = []
        for arg in updated.args:
            if self.draw(st.booleans()) and not arg.star:
                arg = arg.with_changes(value=arg.value.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()]))
            if self.draw(st.booleans()) and isinstance(arg.comma, cst.Comma):
                arg = arg.with_changes(comma=cst.Comma(whitespace_after=cst.ParenthesizedWhitespace(
                    first_line=cst.TrailingWhitespace(whitespace=cst.SimpleWhitespace("  "), comment=cst.Comment("# mutated")),
                    indent=True, last_line=cst.SimpleWhitespace("    "))))
            args.append(arg)
        return updated.with_changes(args=args)


@given(st.sampled_from(FIXTURES), st.data())
def test_mutated_fixtures_convert_to_the_same_program(path, data):
    original = path.read_text()
    mutated = cst.parse_module(original).visit(_Mutate(data.draw)).code
    plain, noisy = convert(original), convert(mutated)
    assert_sound(noisy)
    assert noisy.status == plain.status
    as_text = lambda r, src: (r.converted or src.encode()).decode()
    assert ast.dump(ast.parse(as_text(noisy, mutated))) == ast.dump(ast.parse(as_text(plain, original)))
    assert [(f.rule, f.severity) for f in noisy.findings] == [(f.rule, f.severity) for f in plain.findings]


@pytest.mark.parametrize("path", [p for p in FIXTURES if re.search(r"^import torch\.nn as nn$", p.read_text(), re.M)],
                         ids=lambda p: p.parent.name)
def test_renaming_the_nn_alias_changes_nothing_but_the_name(path):
    original = ast.unparse(ast.parse(path.read_text()))
    renamed = ast.unparse(_renamed(ast.parse(original)))
    plain, other = convert(original), convert(renamed)
    assert plain.status == other.status
    expected = _renamed(ast.parse((plain.converted or original.encode()).decode()))
    assert ast.dump(expected) == ast.dump(ast.parse((other.converted or renamed.encode()).decode()))


def _renamed(tree: ast.AST) -> ast.AST:
    """Every binding and use of `nn` (imports, names, parameters) renamed to `tnn`."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id == "nn":
            node.id = "tnn"
        elif isinstance(node, ast.alias) and (node.asname or node.name) == "nn":
            node.asname = "tnn"
        elif isinstance(node, ast.arg) and node.arg == "nn":
            node.arg = "tnn"
    return tree
