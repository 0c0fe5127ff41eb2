"""Every kind of finding has a stable code in the rule data, and an example that raises it (Fixit-style)."""

import pytest

from bnport.catalogue import example_of, explain_code, run_example
from bnport.convert import convert_file
from bnport.model import Options
from bnport.rules import ENGINE_KINDS, load_rules

RULES = load_rules()
# Raised only around comments bnport reads (see tests/test_markers.py), not by converting code.
ABOUT_COMMENTS = {RULES.common["unused-suppression"], RULES.common["open-marker"]}
# raised only with another module of a project: tests/test_project.py raises it from its example
PROJECT_ONLY = {RULES.common["project-target"], RULES.common["project-keras"], RULES.common["registry-call"]}
CODES = sorted(code for code in RULES.codes if code not in ABOUT_COMMENTS)


@pytest.mark.parametrize("code", CODES)
def test_every_code_has_an_example_that_raises_it(code):
    example = example_of(RULES.codes[code], RULES)
    assert example is not None, f"{code} has no example (give it one under [codes.{code}] example)"
    if code in PROJECT_ONLY:
        return  # its example is run in a project by tests/test_project.py
    result = run_example(example, RULES)
    raised = [f for f in result.findings if f.code == code]
    assert raised, [(f.code, f.message) for f in result.findings]
    assert all(f.severity == RULES.codes[code].severity for f in raised)
    assert all("{" not in f.message for f in raised), "a placeholder was left unfilled"


@pytest.mark.parametrize("code", CODES)
def test_explain_shows_what_why_example_and_what_to_do(code):
    text = explain_code(RULES.codes[code], RULES)
    for part in ("What it says:", "Why:", "What to do:", "Example:", "bnport says:", f"# bnport: ignore[{code}]"):
        assert part in text


def test_every_engine_finding_has_a_common_code():
    assert set(RULES.common) == set(ENGINE_KINDS)


def test_messages_cite_no_internal_labels():
    import re

    labels = re.compile(r"\bclaims? [a-z](?:-\d)?\b|semantics\.md|\bcheck_[a-z]\d?_")
    texts = [c.message + c.why + c.fix + c.title for c in RULES.codes.values()]
    texts += [r.why + (r.approximate or "") + (r.report or "") for r in RULES.rules]
    assert not [t for t in texts if labels.search(t)]


def test_a_finding_carries_its_code_and_the_rule_it_was_raised_for():
    result = convert_file("m.py", b"import torch.nn as nn\nbn = nn.BatchNorm2d(3, device='cpu', bias=False)\n", RULES)
    assert [(f.code, f.rule, f.severity) for f in result.findings] == [
        ("TBN101", "TBN001", "info"), ("TBN102", "TBN001", "warning")]


def test_codes_command_lists_every_code_plain_and_as_json():
    import json

    from click.testing import CliRunner

    from bnport.cli import main

    text = CliRunner().invoke(main, ["codes"]).output
    assert len(text.splitlines()) == len(RULES.codes) and "TBN102  warning  bias has no counterpart" in text
    listed = json.loads(CliRunner().invoke(main, ["codes", "--output-format", "json"]).output)
    assert {entry["code"] for entry in listed} == set(RULES.codes)
