"""One generic test runs every example that every rule in rules/ carries (Fixit-style)."""

import pytest

from bnport.rules import load_rules
from conftest import convert_text

EXAMPLES = [
    pytest.param(example, id=f"{rule.id}-{i}")
    for rule in load_rules().rules
    for i, example in enumerate(rule.examples)
]


@pytest.mark.parametrize("example", EXAMPLES)
def test_rule_example(example):
    output, _ = convert_text(example.before.lstrip("\n"))
    assert output == example.after.lstrip("\n")
    again, result = convert_text(output)
    assert again == output and not result.edits


def test_every_rule_has_examples():
    for rule in load_rules().rules:
        assert rule.examples, rule.id
