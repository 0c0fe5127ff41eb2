"""Type tests that narrow an object to a converted layer, where they stop, and the stores that make
a layer uncertain. Numbers are checked by the cases in tests/frameworks/cases/torch."""

import textwrap

import pytest

from conftest import convert_text, without_markers


def convert(source):
    """Converted text without markers, and the findings (line numbers as in `source`)."""
    output, result = convert_text("import torch\nimport torch.nn as nn\n" + textwrap.dedent(source))
    return without_markers(output), [(f.line - 2, f.code, f.severity, f.message) for f in result.findings]


def loud(findings):
    return [(line, code) for line, code, severity, _ in findings if severity in ("warning", "error")]


@pytest.mark.parametrize("test", [
    "type(m) is not nn.BatchNorm2d",
    "type(m) != nn.BatchNorm2d",
    "type(m) not in (nn.BatchNorm2d, nn.SyncBatchNorm)",
    "not issubclass(type(m), nn.BatchNorm2d)",
    "not issubclass(m.__class__, nn.BatchNorm2d)",
    "type(m) is not nn.BatchNorm2d and type(m) is not nn.SyncBatchNorm",
])
def test_negated_type_tests_narrow_the_rest_of_the_block(test):
    output, _ = convert(f"""
        def f(mods):
            for m in mods:
                if {test}:
                    continue
                w = m.weight
    """)
    assert "w = m.gamma" in output


@pytest.mark.parametrize("test", ["type(m) is not nn.BatchNorm2d", "issubclass(cls, nn.BatchNorm2d)",
                                  "type(m) is not nn.BatchNorm2d or m.affine"])
def test_what_a_test_does_not_say_is_not_narrowed(test):
    output, _ = convert(f"""
        def f(mods, cls):
            for m in mods:
                if {test}:
                    w = m.weight
    """)
    assert "w = m.weight" in output


@pytest.mark.parametrize("first, narrowed", [("continue", True), ("pass", False), ("m = m.bn; continue", True)])
def test_elif_narrows_the_tail_only_when_every_earlier_branch_exits(first, narrowed):
    output, _ = convert(f"""
        def f(mods):
            for m in mods:
                if m is None:
                    {first}
                elif not isinstance(m, nn.BatchNorm2d):
                    continue
                w = m.weight
    """)
    assert ("w = m.gamma" in output) == narrowed


def test_a_later_branch_that_binds_the_subject_ends_the_tail():
    output, _ = convert("""
        def f(mods):
            for m in mods:
                if not isinstance(m, nn.BatchNorm2d):
                    continue
                elif m.affine:
                    m = nn.GroupNorm(1, 3)
                w = m.weight
    """)
    assert "w = m.weight" in output


@pytest.mark.parametrize("pattern, renamed", [
    ("nn.BatchNorm2d()", True),
    ("nn.BatchNorm2d(num_features=3)", True),
    ("nn.BatchNorm2d() | nn.SyncBatchNorm()", True),
    ("nn.BatchNorm2d() | nn.GroupNorm()", False),
    ("nn.BatchNorm2d() if m.affine", True),
])
def test_class_patterns_narrow_their_case(pattern, renamed):
    output, _ = convert(f"""
        def f(m):
            match m:
                case {pattern}:
                    w = m.weight
    """)
    assert ("w = m.gamma" in output) == renamed


def test_a_class_pattern_binds_its_as_name_too_and_a_nested_one_narrows_nothing():
    output, _ = convert("""
        def f(m):
            match m:
                case nn.BatchNorm2d() as b:
                    w = b.weight
                case Holder(norm=nn.BatchNorm2d()):
                    v = m.weight
    """)
    assert "w = b.gamma" in output and "v = m.weight" in output


@pytest.mark.parametrize("test, line_code", [
    ('type(m).__name__ in ("BatchNorm2d", "SyncBatchNorm")', (6, "BNP023")),
    ('m.__class__.__name__.find("BatchNorm") != -1', (6, "BNP023")),
    ('m.__class__.__name__.find("BatchNorm") == -1', None),
    ('"BatchNorm" not in type(m).__name__', None),
])
def test_class_name_tests_are_uncertain_in_the_branch_they_hold(test, line_code):
    output, findings = convert(f"""
        bn = nn.BatchNorm2d(3)
        def f(mods):
            for m in mods:
                if {test}:
                    m.momentum = 0.3
    """)
    assert "add_prim_attr" not in output
    assert loud(findings) == ([line_code] if line_code else [])


def test_a_class_name_test_naming_another_class_is_not_a_batchnorm_test():
    output, findings = convert("""
        bn = nn.BatchNorm2d(3)
        def f(mods):
            for m in mods:
                if type(m).__name__ == "FrozenBatchNorm2d":
                    m.momentum = 0.3
                    w = m.weight
    """)
    assert "w = m.weight" in output and loud(findings) == []


def test_a_class_name_test_can_name_a_subclass_of_the_file():
    _, findings = convert("""
        class MyBN(nn.BatchNorm2d):
            pass
        def f(mods):
            for m in mods:
                if type(m).__name__ == "MyBN":
                    w = m.weight
    """)
    assert (7, "BNP023") in loud(findings)


@pytest.mark.parametrize("helper, use, renamed", [
    (["return isinstance(m, nn.BatchNorm2d)"], ["if is_bn(m):", "    w = m.weight"], True),
    (["return isinstance(m, nn.BatchNorm2d)"], ["if not is_bn(m):", "    continue", "w = m.weight"], True),
    (["return not isinstance(m, nn.BatchNorm2d)"], ["if is_bn(m):", "    continue", "w = m.weight"], True),
    (["if m is None:", "    return False", "return isinstance(m, nn.BatchNorm2d)"], ["if is_bn(m):", "    w = m.weight"], True),
    (["if m is None:", "    return True", "return isinstance(m, nn.BatchNorm2d)"], ["if is_bn(m):", "    w = m.weight"], False),
    (["m = m.module", "return isinstance(m, nn.BatchNorm2d)"], ["if is_bn(m):", "    w = m.weight"], False),
])
def test_a_local_function_returning_a_type_test_is_a_test_at_its_calls(helper, use, renamed):
    source = "def is_bn(m):\n" + "".join(f"    {line}\n" for line in helper)
    source += "def f(mods):\n    for m in mods:\n" + "".join(f"        {line}\n" for line in use)
    output, _ = convert(source)
    assert ("w = m.gamma" in output) == renamed


def test_a_predicate_passed_around_is_not_followed():
    output, _ = convert("""
        def is_bn(m):
            return isinstance(m, nn.BatchNorm2d)
        checks = [is_bn]
        def f(mods):
            for m in mods:
                if is_bn(m):
                    w = m.weight
    """)
    assert "w = m.weight" in output


@pytest.mark.parametrize("body, renamed", [
    (["m: nn.BatchNorm2d", "w = m.weight"], True),
    (["if flag:", "    m = nn.GroupNorm(1, 3)", "    w = m.weight"], False),
    (["if flag:", "    m = nn.GroupNorm(1, 3)", "w = m.weight"], False),
    (["if (m := swap(m)) is not None:", "    w = m.weight"], False),
    (["for _ in range(2):", "    w = m.weight", "    m = swap(m)"], False),
    (["w = m.weight", "m = swap(m)"], True),
    (["m, n = swap(m), 1", "w = m.weight"], False),
])
def test_the_narrowed_region_ends_where_the_subject_may_be_bound_again(body, renamed):
    lines = ("\n" + " " * 20).join(body)
    output, _ = convert(f"""
        def f(mods, flag, swap):
            for m in mods:
                if isinstance(m, nn.BatchNorm2d):
                    {lines}
    """)
    assert ("w = m.gamma" in output) == renamed


@pytest.mark.parametrize("store", ["block.bn = nn.GroupNorm(1, 3)", 'setattr(block, "bn", nn.Identity())'])
def test_a_store_through_an_instance_makes_the_attribute_uncertain(store):
    output, findings = convert(f"""
        class Block(nn.Module):
            def __init__(self):
                super().__init__()
                self.bn = nn.BatchNorm2d(3)
            def scale(self):
                return self.bn.weight
        block = Block()
        {store}
        w = block.bn.weight
    """)
    assert "gamma" not in output
    assert {(7, "BNP023"), (10, "BNP023")} <= set(loud(findings))


def test_a_bare_annotation_of_an_attribute_is_no_store():
    output, _ = convert("""
        class Block(nn.Module):
            bn: nn.Module
            def __init__(self):
                super().__init__()
                self.bn: nn.Module
                self.bn = nn.BatchNorm2d(3)
            def scale(self):
                return self.bn.weight
    """)
    assert "return self.bn.gamma" in output


@pytest.mark.parametrize("calls, renamed", [
    (["fold(conv, FrozenBatchNorm2d(3))"], False),
    (["fold(conv, nn.GroupNorm(1, 3))"], False),
    (["frozen = FrozenBatchNorm2d(3)", "fold(conv, frozen)"], False),
    (["fold(conv, nn.BatchNorm3d(3))"], False),
    (["fold(conv, module.bn)"], True),
    (["fold(conv, nn.BatchNorm2d(3))"], True),
])
def test_an_annotation_does_not_beat_the_calls_that_visibly_pass_something_else(calls, renamed):
    source = ("class FrozenBatchNorm2d(nn.Module):\n    pass\ndef fold(conv, bn: nn.BatchNorm2d):\n"
              "    return bn.weight\n" + "".join(f"{line}\n" for line in calls))
    output, findings = convert(source)
    assert ("return bn.gamma" in output) == renamed
    assert ((4, "BNP023") in loud(findings)) != renamed


def test_buffer_names_of_a_module_that_is_no_batchnorm_are_not_state_dict_keys():
    _, findings = convert("""
        class FrozenBatchNorm2d(nn.Module):
            def __init__(self, n):
                super().__init__()
                self.register_buffer("running_mean", torch.zeros(n))
        bn = nn.BatchNorm2d(3)
        key = "running_mean"
    """)
    assert [(line, code) for line, code, _, _ in findings if code == "BNP016"] == [(7, "BNP016")]
