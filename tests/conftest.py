import pytest

from bnport.convert import convert_file
from bnport.rules import load_rules


@pytest.fixture(scope="session")
def ruleset():
    return load_rules()


def convert_text(source: str, path: str = "case.py"):
    """Convert source text; return (output text, FileResult)."""
    result = convert_file(path, source.encode(), load_rules())
    assert result.status != "error", result.error
    data = result.converted if result.status == "changed" else result.original
    return data.decode(), result
