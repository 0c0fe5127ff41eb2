"""Run a conversion over paths: discover, convert each file, write (unless checking), collect results.

One file's failure, whatever it is, becomes that file's result; the run goes on.
"""

from __future__ import annotations

import os
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
    """Convert every file under `paths` (`project`: the index of what the project's modules export).
    `on_files(n)` is told how many files there are, `progress(1)` after each; results come in
    discovery order whatever `jobs` is."""
    files, problems = discover(paths, config, force_exclude)
    results = [FileResult(path=p.path, status=p.status, error=p.message) for p in problems]
    if on_files is not None:
        on_files(len(files))
    task = partial(_report, ruleset_dir=ruleset.directory, selection=ruleset.selection, write=write,
                   want_diff=want_diff, options=options, keep_text=keep_text)
    if jobs <= 1 or len(files) < 2 * jobs:
        for path in files:
            results.append(task(path, project=project))
            if progress is not None:
                progress(1)
        return results
    # Files naming no BatchNorm are decided here, by the byte test; only the others go to the
    # workers, largest first and one at a time, so that a cluster of heavy files does not land on
    # one worker. The project index is sent to each worker once.
    found: dict[int, FileResult] = {}
    heavy: list[tuple[int, str, int]] = []
    for number, path in enumerate(files):
        light = _light(path, ruleset, project.for_path(path) if project is not None else None)
        if light is None:
            heavy.append((number, path, _size(path)))
        else:
            found[number] = _finish(light, path, want_diff, keep_text)
            if progress is not None:
                progress(1)
    if heavy:
        from concurrent.futures import ProcessPoolExecutor

        heavy.sort(key=lambda item: -item[2])
        with ProcessPoolExecutor(max_workers=min(jobs, len(heavy)), initializer=_set_project,
                                 initargs=(project,)) as pool:
            for (number, _, _), result in zip(heavy, pool.map(task, [path for _, path, _ in heavy])):
                found[number] = result
                if progress is not None:
                    progress(1)
    results.extend(found[number] for number in range(len(files)))
    return results


_WORKER_PROJECT = None  # the project index, set once in each worker process


def _set_project(project) -> None:
    global _WORKER_PROJECT
    _WORKER_PROJECT = project


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def _light(path: str, ruleset: RuleSet, project) -> FileResult | None:
    """The result of a file the byte test decides (or that cannot be read), or None: it needs converting."""
    try:
        data = read(path)
    except FileError as exc:
        return FileResult(path=path, status="error", error=str(exc))
    if ruleset.mentioned_in(data) or (project is not None and project.mentioned_in(data)):
        return None
    return FileResult(path=path, original=data)


def _report(path: str, ruleset_dir, selection, write: bool, want_diff: bool, options: Options,
            keep_text: bool = False, project=None) -> FileResult:
    """Convert one path (in this or a worker process) and keep only the report."""
    project = project if project is not None else _WORKER_PROJECT
    project = project.for_path(path) if project is not None else None
    result = convert_path(path, load_selected(ruleset_dir, *selection), write, options, project)
    return _finish(result, path, want_diff, keep_text)


def _finish(result: FileResult, path: str, want_diff: bool, keep_text: bool) -> FileResult:
    if want_diff and result.status == "changed":
        result.diff = unified_diff(result)
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
    final = result.converted if result.status == "changed" else result.original
    if final is not None and result.status != "error" and not path.endswith(".ipynb"):
        # what the BatchNorm files still use of the source frameworks (files without BatchNorm code
        # are not read for it: the summary speaks of the files bnport converts)
        result.remaining = remaining_uses(final)
    if write and result.status == "changed":
        try:
            write_if_unchanged(path, data, result.converted)
        except FileError as exc:
            result.status, result.error = "error", str(exc)
    return result
