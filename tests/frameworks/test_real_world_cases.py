"""Real-world patterns, each checked the way a user would: faithful or visible.

Every file under cases/torch and cases/keras is a small module copied from the way real projects
write BatchNorm code. Its ``make()`` builds the layer under test (or a list whose last element
is it); ``SHAPE`` is the input shape (channels-first). bnport converts the file, and then either

- the converted layer computes what the original computes (same state, three training steps,
  inference: the harness protocol), or
- bnport reports a warning or an error on a statement marked ``# case: breaks`` in the source,
  the statement that is no longer right.

A file with ``LOOKALIKE = True`` is not BatchNorm code and must come back byte for byte.
Optional: ``CHANNELS_LAST = True`` (Keras sees channels-last data), ``CONFIG`` (configuration
keys, as in ``[tool.bnport]``). ``BNPORT_CASES=DIR`` runs the files of another directory.
"""

from __future__ import annotations

import ast
import os
from pathlib import Path

import pytest

from harness import TOLERANCE, build, compare_layers

from bnport.convert import convert_file
from bnport.model import Options
from bnport.rules import load_rules

ROOT = Path(os.environ.get("BNPORT_CASES", Path(__file__).parent / "cases"))
CASES = sorted(ROOT.glob("*/*.py"))
MARK = "# case: breaks"


def _settings(source: str) -> dict:
    """The case's upper-case module-level constants (SHAPE, LOOKALIKE, ...), read without running it."""
    found = {}
    for statement in ast.parse(source).body:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target = statement.targets[0]
            if isinstance(target, ast.Name) and target.id.isupper():
                try:
                    found[target.id] = ast.literal_eval(statement.value)
                except ValueError:
                    pass
    return found


def _marked_statements(source: str) -> list[range]:
    """Line ranges of the statements holding a `# case: breaks` line: a simple statement whole, a
    compound statement by its header (`if isinstance(m, ...):`)."""
    marked = {number for number, line in enumerate(source.splitlines(), 1) if MARK in line}
    ranges = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.stmt):
            continue
        body = getattr(node, "body", None)
        end = body[0].lineno - 1 if isinstance(body, list) and body else node.end_lineno
        span = range(node.lineno, max(node.lineno, end) + 1)
        if marked & set(span):
            ranges.append(span)
    return ranges


def _options(settings: dict) -> Options:
    """CONFIG = {"assume": {"layers": "keras.layers"}}: the [tool.bnport] keys a case is converted with."""
    config = settings.get("CONFIG", {})
    unknown = set(config) - {"assume", "comments", "todo-comments"}
    assert not unknown, f"CONFIG keys the runner does not know: {unknown}"
    return Options(comments=config.get("comments", True), todo_comments=config.get("todo-comments", True),
                   assume=tuple(config.get("assume", {}).items()))


def _layer(made):
    return made[-1] if isinstance(made, (list, tuple)) else made


def _compare(framework: str, original, converted, settings: dict) -> dict:
    shape = settings["SHAPE"]
    if framework == "keras":
        import numpy as np
        from keras_harness import compare

        differences = compare(original, converted, shape, settings.get("CHANNELS_LAST", False))
        n = int(np.prod(shape)) // shape[1]
        if differences.pop("relative_moving_variance") <= 2.0 / (n - 1):
            differences.pop("moving_variance")  # the documented approximation (biased variance)
        return differences
    return compare_layers(original, converted, shape)


@pytest.mark.parametrize("path", CASES, ids=[f"{p.parent.name}/{p.stem}" for p in CASES])
def test_faithful_or_visible(path: Path):
    source = path.read_text()
    settings = _settings(source)
    result = convert_file(path.name, source.encode(), load_rules(), _options(settings))
    assert result.status != "error", result.error
    if settings.get("LOOKALIKE"):
        assert result.status == "unchanged", "not BatchNorm code, but bnport changed it"
        return
    converted = result.converted.decode() if result.status == "changed" else source
    original = _layer(build(source))
    try:
        differences = _compare(path.parent.name, original, _layer(build(converted)), settings)
        problem = None if max(differences.values()) <= TOLERANCE else f"numbers differ: {differences}"
    except Exception as exc:  # the converted code fails: acceptable only where bnport said so
        problem = f"{type(exc).__name__}: {exc}"
    if problem is None:
        return
    marked = _marked_statements(source)
    loud = [f for f in result.findings if f.severity in ("warning", "error")]
    hits = [f for f in loud if any(f.line in span for span in marked)]
    assert hits, (f"silent: {problem}\nfindings: {[(f.line, f.rule, f.severity, f.message) for f in result.findings]}"
                  f"\nmarked lines: {[list(s) for s in marked]}\n--- converted ---\n{converted}")
