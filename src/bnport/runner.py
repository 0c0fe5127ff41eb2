"""Run a conversion over paths: discover, convert each file, write (unless checking), collect results.

One file's failure, whatever it is, becomes that file's result; the run goes on.
"""

from __future__ import annotations

from bnport.convert import convert_file
from bnport.files import FileError, discover, read, write_if_unchanged
from bnport.model import FileResult
from bnport.output import unified_diff
from bnport.rules import RuleSet


def run(paths: list[str], ruleset: RuleSet, write: bool, want_diff: bool = False) -> list[FileResult]:
    files, problems = discover(paths)
    results = [FileResult(path=p.path, status=p.status, error=p.message) for p in problems]
    for path in files:
        result = convert_path(path, ruleset, write)
        if want_diff and result.status == "changed":
            result.diff = unified_diff(result)
        # Only the report is kept per file, so memory stays flat however large the tree.
        result.original = result.converted = None
        results.append(result)
    return results


def convert_path(path: str, ruleset: RuleSet, write: bool) -> FileResult:
    try:
        data = read(path)
    except FileError as exc:
        return FileResult(path=path, status="error", error=str(exc))
    try:
        result = convert_file(path, data, ruleset)
    except Exception as exc:  # a bug in bnport must not stop the run or touch the file
        return FileResult(path=path, status="error", error=f"internal error: {type(exc).__name__}: {exc}")
    if write and result.status == "changed":
        try:
            write_if_unchanged(path, data, result.converted)
        except FileError as exc:
            result.status, result.error = "error", str(exc)
    return result
