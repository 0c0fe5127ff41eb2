"""The comments bnport reads and writes beside the code: markers and suppressions.

- A **marker** `# bnport: CODE text` is written on its own line above a statement that has a
  finding needing a person (a warning or an error) or that lost an argument (its source text
  survives there). A later run reports every warning or error marker again as open, until the
  person removes the line or suppresses it, so a pre-commit hook keeps failing until the work is
  done or acknowledged. A statement never gets a second marker with the same code.
- A **suppression** `# bnport: ignore[CODE, ...]` (or a bare `# bnport: ignore`) hides findings
  with those codes, like ruff's `# noqa`: at the end of a line it covers that statement; on a
  line of its own, the statement below (so turning a marker's `CODE` into `ignore[CODE]`
  acknowledges it).
"""

from __future__ import annotations

import ast
import bisect
import io
import re
import tokenize
from dataclasses import dataclass

from bnport.model import Finding

_PREFIX = "bnport:"
MARKER = re.compile(r"^#\s*bnport:\s*([A-Z]{3}[0-9]{3})\b\s*(.*)$")
IGNORE = re.compile(r"^#\s*bnport:\s*ignore\b(?:\[([^\]]*)\])?\s*(.*)$")


@dataclass(frozen=True)
class Marker:
    line: int
    column: int
    code: str
    text: str
    span: range  # the lines of the statement it belongs to


@dataclass(frozen=True)
class Suppression:
    line: int
    column: int
    codes: frozenset[str] | None  # None: every code
    comment: str
    span: range
    acknowledged: bool  # a former marker (its text kept after ignore[...]): never "unused"

    def covers(self, finding: Finding, line: int | None = None) -> bool:
        return (line or finding.line) in self.span and (self.codes is None or finding.code in self.codes)


@dataclass
class Comments:
    markers: list[Marker]
    suppressions: list[Suppression]


def marker_text(code: str, text: str) -> str:
    return f"# bnport: {code} {text}"


def read_comments(text: str, tree: ast.Module) -> Comments:
    """bnport's comments in a module (real comments only, not text inside strings)."""
    found = Comments([], [])
    if _PREFIX not in text:
        return found
    statements = _Statements(tree)
    lines = text.splitlines()
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError):
        return found
    for token in tokens:
        if token.type != tokenize.COMMENT or _PREFIX not in token.string:
            continue
        line, column = token.start
        own_line = not lines[line - 1][:column].strip()
        span = statements.below(line) if own_line else statements.around(line)
        ignore = IGNORE.match(token.string)
        if ignore is not None:
            codes = None if ignore.group(1) is None else frozenset(c.strip() for c in ignore.group(1).split(",") if c.strip())
            found.suppressions.append(Suppression(line, column + 1, codes, token.string.strip(), span,
                                                  own_line and bool(ignore.group(2))))
            continue
        marker = MARKER.match(token.string)
        if marker is not None and own_line:
            found.markers.append(Marker(line, column + 1, marker.group(1), marker.group(2).strip(), span))
    return found


def marked_codes(comment_lines: list[str]) -> set[str]:
    """Codes a statement's leading comment lines already carry (as markers or suppressions)."""
    codes: set[str] = set()
    for line in comment_lines:
        marker = MARKER.match(line.strip())
        if marker is not None:
            codes.add(marker.group(1))
        ignore = IGNORE.match(line.strip())
        if ignore is not None and ignore.group(1):
            codes.update(c.strip() for c in ignore.group(1).split(","))
    return codes


def settle(findings: list[Finding], comments: Comments, codes: dict, engine_code, report_unused: bool) -> list[Finding]:
    """The findings to report: live ones not suppressed, then open markers (warnings and errors
    not raised again on their statement), then, if asked, suppressions that hid nothing.
    `engine_code(kind)` is the Code of an engine finding (unknown markers, unused suppressions)."""
    used: set[int] = set()

    def suppressed(finding: Finding, line: int | None = None) -> bool:
        hit = False
        for index, suppression in enumerate(comments.suppressions):
            if suppression.covers(finding, line):
                used.add(index)
                hit = True
        return hit

    kept = [f for f in findings if not suppressed(f)]
    for marker in comments.markers:
        code = codes.get(marker.code)
        if code is not None and code.severity == "info":
            continue  # a record of what was removed, nothing to do
        if any(f.code == marker.code and f.line in marker.span for f in findings):
            continue  # raised again on its statement: reported once, as the live finding
        if code is None:
            unknown = engine_code("open-marker")
            finding = Finding(marker.line, marker.column, unknown.id, unknown.severity,
                              unknown.text(text=f"{marker.code} {marker.text}"))
        else:
            finding = Finding(marker.line, marker.column, marker.code, code.severity,
                              f"{marker.text} (open: remove this line when it is done, or suppress it with "
                              f"# bnport: ignore[{marker.code}])")
        if not suppressed(finding, marker.span.start if marker.span else marker.line):
            kept.append(finding)
    if report_unused:
        for index, suppression in enumerate(comments.suppressions):
            if index not in used and not suppression.acknowledged:
                code = engine_code("unused-suppression")
                kept.append(Finding(suppression.line, suppression.column, code.id, code.severity,
                                    code.text(comment=suppression.comment)))
    return sorted(kept, key=lambda f: (f.line, f.column))


class _Statements:
    """Line spans of a module's statements, for "the statement below" and "the statement around"."""

    def __init__(self, tree: ast.Module):
        self.spans: list[tuple[int, int]] = []  # (first line, last line of the header or statement)
        for node in ast.walk(tree):
            if isinstance(node, ast.stmt):
                body = getattr(node, "body", None)
                if isinstance(body, list) and body and isinstance(body[0], ast.stmt):
                    # a compound statement: its header (decorators included) is what a comment beside it means
                    first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
                    self.spans.append((first, max(first, body[0].lineno - 1)))
                else:
                    self.spans.append((node.lineno, node.end_lineno or node.lineno))
        self.spans.sort()
        self.starts = [start for start, _ in self.spans]

    def below(self, line: int) -> range:
        index = bisect.bisect_right(self.starts, line)
        if index == len(self.spans):
            return range(0)
        start, end = self.spans[index]
        return range(start, end + 1)

    def around(self, line: int) -> range:
        best = None
        for start, end in self.spans[: bisect.bisect_right(self.starts, line)]:
            if start <= line <= end and (best is None or start >= best[0]):
                best = (start, end)
        return range(best[0], best[1] + 1) if best else range(line, line + 1)



def plan_markers(located, codes: dict, parents: dict, header: list[str], comments: bool = True,
                 todo: bool = True) -> dict:
    """Statement node -> the marker lines to write above it, for the findings that need one: a
    removed argument (with `comments`) and every warning or error (with `todo`). A code the
    statement already carries (as a marker or a suppression) is not written again. `header`: the
    module's leading comment lines, which belong to its first statement."""
    import libcst as cst

    markers: dict = {}
    for finding, node, removed in located:
        if not ((removed and comments) or (finding.severity != "info" and todo)):
            continue
        statement = node
        while statement is not None and not isinstance(statement, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
            statement = parents.get(statement)
        if statement is None:
            continue
        existing = [line.comment.value for line in statement.leading_lines if line.comment is not None]
        if isinstance(parents.get(statement), cst.Module) and parents[statement].body[0] is statement:
            existing += header
        if finding.code in marked_codes(existing):
            continue
        text = marker_text(finding.code, removed or codes[finding.code].title)
        lines = markers.setdefault(statement, [])
        if text not in lines:
            lines.append(text)
    return markers
