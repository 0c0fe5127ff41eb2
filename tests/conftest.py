import os
import re
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from bnport.config import load as load_config
from bnport.convert import convert_file
from bnport.model import Options
from bnport.rules import load_rules

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

# Property tests run a bounded number of examples; HYPOTHESIS_PROFILE=long runs many more.
settings.register_profile("ci", max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
settings.register_profile("long", max_examples=1000, deadline=None, suppress_health_check=list(HealthCheck))
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session")
def ruleset():
    return load_rules()


def convert_text(source: str, path: str = "case.py", options: Options | None = None):
    """Convert source text; return (output text, FileResult). A fixture's before.py whose directory
    holds a bnport.toml is converted with that configuration (so tools regenerating fixtures agree)."""
    if options is None:
        options = fixture_options().get(source, Options())
    result = convert_file(path, source.encode(), load_rules(), options)
    assert result.status != "error", result.error
    data = result.converted if result.status == "changed" else result.original
    return data.decode(), result


MARKER_LINE = re.compile(r"^[ \t]*# bnport: [A-Z]{3}[0-9]{3} .*\n", re.MULTILINE)


def without_markers(text: str) -> str:
    """The code with the `# bnport: CODE ...` lines bnport writes above statements taken out."""
    return MARKER_LINE.sub("", text)


def options_of(config) -> Options:
    """The conversion options a configuration gives."""
    return Options(comments=config.comments, todo_comments=config.todo_comments, assume=config.assume)


@cache
def fixture_options() -> dict[str, Options]:
    """before.py text -> the options of the bnport.toml beside it."""
    found = {}
    for config in FIXTURES.glob("*/*/bnport.toml"):
        before = config.parent / "before.py"
        if before.is_file():
            found[before.read_text()] = options_of(load_config(config))
    return found
