import os
import re

import pytest
from hypothesis import HealthCheck, settings

from bnport.convert import convert_file
from bnport.rules import load_rules

# Property tests run a bounded number of examples; HYPOTHESIS_PROFILE=long runs many more.
settings.register_profile("ci", max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
settings.register_profile("long", max_examples=1000, deadline=None, suppress_health_check=list(HealthCheck))
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session")
def ruleset():
    return load_rules()


def convert_text(source: str, path: str = "case.py"):
    """Convert source text; return (output text, FileResult)."""
    result = convert_file(path, source.encode(), load_rules())
    assert result.status != "error", result.error
    data = result.converted if result.status == "changed" else result.original
    return data.decode(), result


MARKER_LINE = re.compile(r"^[ \t]*# bnport: [A-Z]{3}[0-9]{3} .*\n", re.MULTILINE)


def without_markers(text: str) -> str:
    """The code with the `# bnport: CODE ...` lines bnport writes above statements taken out."""
    return MARKER_LINE.sub("", text)
