"""Golden fixtures: fixtures/<family>/<case>/before.py converts to after.py exactly.

An optional findings.txt lists the expected findings, one `line:col CODE severity` per line.
Every fixture is also converted a second time: the output must be stable.
"""

from pathlib import Path

import pytest

from conftest import convert_text

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
CASES = sorted(p for p in FIXTURES.glob("*/*") if (p / "before.py").is_file())


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixture_converts_to_golden_output(case):
    before = (case / "before.py").read_text()
    output, result = convert_text(before)
    assert output == (case / "after.py").read_text()
    expected = case / "findings.txt"
    if expected.exists():
        got = [f"{f.line}:{f.column} {f.code} {f.severity}" for f in result.findings]
        assert got == expected.read_text().split("\n")[:-1]


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_second_run_changes_nothing(case):
    once, _ = convert_text((case / "before.py").read_text())
    twice, result = convert_text(once)
    assert twice == once
    assert result.edits == []


def test_fixture_set_is_not_empty():
    assert len(CASES) >= 6
