"""Run a conversion over paths: discover, convert each file, write (unless checking), collect results.

One file's failure, whatever it is, becomes that file's result; the run goes on.
"""

from __future__ import annotations

from functools import partial

from bnport.convert import convert_file
from bnport.files import FileError, discover, read, write_if_unchanged
from bnport.model import FileResult
from bnport.output import unified_diff
from bnport.rules import RuleSet, load_rules


def run(paths: list[str], ruleset: RuleSet, write: bool, want_diff: bool = False, jobs: int = 1) -> list[FileResult]:
    files, problems = discover(paths)
    results = [FileResult(path=p.path, status=p.status, error=p.message) for p in problems]
    task = partial(_report, ruleset_dir=ruleset.directory, write=write, want_diff=want_diff)
    if jobs <= 1 or len(files) < 2 * jobs:
        results.extend(map(task, files))
        return results
    from concurrent.futures import ProcessPoolExecutor

    # Chunks, not a future per file; map() keeps discovery order, so output does not depend on jobs.
    chunk = max(1, len(files) // (jobs * 8))
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        results.extend(pool.map(task, files, chunksize=chunk))
    return results


def _report(path: str, ruleset_dir, write: bool, want_diff: bool) -> FileResult:
    """Convert one path (in this or a worker process) and keep only the report."""
    result = convert_path(path, load_rules(ruleset_dir), write)
    if want_diff and result.status == "changed":
        result.diff = unified_diff(result)
    # Only the report is kept per file, so memory stays flat however large the tree.
    result.original = result.converted = None
    return result


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
