"""Run a conversion over paths: discover, convert each file, write (unless checking), collect results.

One file's failure, whatever it is, becomes that file's result; the run goes on.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from bnport.files import FileError, discover, read, write_if_unchanged
from bnport.config import Config
from bnport.model import FileResult, Options
from bnport.leftover import remaining_uses
from bnport.output import unified_diff
from bnport.rules import RuleSet, load_selected


def run(paths: list[str], ruleset: RuleSet, write: bool, want_diff: bool = False, jobs: int = 1,
        config: Config | None = None, force_exclude: bool = False, options: Options = Options(),
        progress: Callable[[int], None] | None = None, on_files: Callable[[int], None] | None = None,
        keep_text: bool = False, project=None) -> list[FileResult]:
    """Convert every file under `paths` (with `project`, the index of what the project's modules export). `on_files(n)` is told how many files there are, `progress(1)`
    after each; results come in discovery order whatever `jobs` is."""
    files, problems = discover(paths, config, force_exclude)
    results = [FileResult(path=p.path, status=p.status, error=p.message) for p in problems]
    if on_files is not None:
        on_files(len(files))
    task = partial(_report, ruleset_dir=ruleset.directory, selection=ruleset.selection, write=write,
                   want_diff=want_diff, options=options, keep_text=keep_text, project=project)
    pool = None
    if jobs <= 1 or len(files) < 2 * jobs:
        outcomes = map(task, files)
    else:
        from concurrent.futures import ProcessPoolExecutor

        # Chunks, not a future per file; map() keeps discovery order, so output does not depend on jobs.
        pool = ProcessPoolExecutor(max_workers=jobs)
        outcomes = pool.map(task, files, chunksize=max(1, len(files) // (jobs * 8)))
    try:
        for result in outcomes:
            results.append(result)
            if progress is not None:
                progress(1)
    finally:
        if pool is not None:
            pool.shutdown()
    return results


def _report(path: str, ruleset_dir, selection, write: bool, want_diff: bool, options: Options,
            keep_text: bool = False, project=None) -> FileResult:
    """Convert one path (in this or a worker process) and keep only the report."""
    result = convert_path(path, load_selected(ruleset_dir, *selection), write, options, project)
    if want_diff and result.status == "changed":
        result.diff = unified_diff(result)
    final = result.converted if result.status == "changed" else result.original
    if final is not None and result.status != "error" and not path.endswith(".ipynb"):
        result.remaining = remaining_uses(final)
    # Only the report is kept per file (unless a fix must carry the text), so memory stays flat.
    if not (keep_text and result.status == "changed"):
        result.original = result.converted = None
    return result


def convert_path(path: str, ruleset: RuleSet, write: bool, options: Options = Options(), project=None) -> FileResult:
    try:
        data = read(path)
    except FileError as exc:
        return FileResult(path=path, status="error", error=str(exc))
    if not (ruleset.mentioned_in(data) or (project is not None and project.mentioned_in(data))):
        return FileResult(path=path, original=data)  # the common case, decided without importing libcst
    from bnport.convert import convert_file

    try:
        result = convert_file(path, data, ruleset, options, project)
    except Exception as exc:  # a bug in bnport must not stop the run or touch the file
        return FileResult(path=path, status="error", error=f"internal error: {type(exc).__name__}: {exc}")
    if write and result.status == "changed":
        try:
            write_if_unchanged(path, data, result.converted)
        except FileError as exc:
            result.status, result.error = "error", str(exc)
    return result
