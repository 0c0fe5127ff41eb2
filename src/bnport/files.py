"""Which files a run touches, and reading and writing them without ever losing a byte.

Directories are walked for the configured include globs (*.py, *.pyi, *.ipynb), honouring
.gitignore files (the walked directory's own, those below it, and those above it up to the
repository root) and the configured excludes (by default the directories ruff skips). Symlinks
met during a walk are not followed. Paths named explicitly are taken as they are, unless
--force-exclude applies the excludes to them too. Writes go to a temporary file beside the target and are renamed over it, only if
the file still holds the bytes that were converted.
"""

from __future__ import annotations

import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bnport.config import Config

@dataclass(frozen=True)
class Problem:
    path: str
    message: str
    status: str = "error"  # "error" fails the run; "skipped" is reported; "excluded" is listed with -v


class FileError(Exception):
    """A file could not be read or written; the message is one line."""


def discover(paths: list[str], config: Config | None = None, force_exclude: bool = False) -> tuple[list[str], list[Problem]]:
    """Files to convert, in a stable order, and the paths that could not be used or were left out."""
    config = config or Config()
    found: list[str] = []
    problems: list[Problem] = []
    seen: set[str] = set()

    def add(path: str):
        key = os.path.realpath(path)
        if key not in seen:
            seen.add(key)
            found.append(path)

    for given in paths:
        if os.path.isdir(given) and not os.path.islink(given):
            for path in _walk(Path(given), config, problems):
                add(str(path))
        elif os.path.islink(given) and os.path.exists(given):
            # Writing through a link could touch a file outside the paths given.
            problems.append(Problem(given, "is a symlink; not followed (name its target instead)", "skipped"))
        elif os.path.isfile(given):
            pattern = _excluded_with_parents(Path(given), config) if force_exclude else None
            if pattern is not None:
                problems.append(Problem(given, f"excluded by {pattern!r} (--force-exclude)", "excluded"))
            else:
                add(given)
        elif os.path.islink(given):
            problems.append(Problem(given, "is a symlink that resolves to nothing (broken, or a loop)"))
        else:
            problems.append(Problem(given, "no such file or directory"))
    return found, problems


def excluded_path(path: str, config: Config) -> str | None:
    """The exclude pattern that applies to an explicitly named path (--force-exclude), if any."""
    return _excluded_with_parents(Path(path), config)


def _excluded_with_parents(path: Path, config: Config) -> str | None:
    """An exclude pattern matching the file or a directory above it (within the config's root)."""
    absolute = Path(os.path.abspath(path))
    for candidate in (absolute, *absolute.parents):
        pattern = config.excluded(candidate)
        if pattern is not None:
            return pattern
        if candidate == config.root:
            break
    return None


def _walk(root: Path, config: Config, problems: list[Problem]):
    ignores = _ancestor_ignores(root)
    yield from _walk_dir(root, ignores, config, problems)


def _walk_dir(directory: Path, ignores: list, config: Config, problems: list[Problem]):
    spec = _load_gitignore(directory)
    if spec is not None:
        ignores = [*ignores, (directory.resolve(), spec)]
    try:
        entries = sorted(os.scandir(directory), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        if entry.is_symlink():
            continue
        path = Path(entry.path)
        if entry.is_dir():
            reason = _reason(path, ignores, config, is_dir=True)
            if reason is not None:
                problems.append(Problem(entry.path + os.sep, reason, "excluded"))
                continue
            yield from _walk_dir(path, ignores, config, problems)
        elif entry.is_file() and config.included(path):
            reason = _reason(path, ignores, config, is_dir=False)
            if reason is not None:
                problems.append(Problem(entry.path, reason, "excluded"))
            else:
                yield path


def _reason(path: Path, ignores: list, config: Config, is_dir: bool) -> str | None:
    pattern = config.excluded(path, is_dir)
    if pattern is not None:
        return f"excluded by {pattern!r}"
    if _ignored(path, ignores, is_dir):
        return "ignored by .gitignore"
    return None


def _ancestor_ignores(root: Path) -> list:
    """.gitignore files above the walked directory, up to the repository root."""
    ignores = []
    current = root.resolve().parent
    chain = []
    for directory in [current, *current.parents]:
        chain.append(directory)
        if (directory / ".git").exists():
            break
    else:
        return []
    for directory in reversed(chain):
        spec = _load_gitignore(directory)
        if spec is not None:
            ignores.append((directory, spec))
    return ignores


def _load_gitignore(directory: Path):
    try:
        text = (directory / ".gitignore").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(text.splitlines())


def _ignored(path: Path, ignores: list, is_dir: bool) -> bool:
    """Whether any .gitignore above ``path`` excludes it (bases are resolved when loaded)."""
    if not ignores:
        return False
    resolved = path.resolve()
    for base, spec in ignores:
        try:
            relative = resolved.relative_to(base).as_posix()
        except ValueError:
            continue
        if spec.match_file(relative + "/" if is_dir else relative):
            return True
    return False


def read(path: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise FileError(f"cannot read: {exc.strerror or exc}") from None


def write_if_unchanged(path: str, expected: bytes, data: bytes) -> None:
    """Atomically replace ``path`` with ``data`` if it still holds ``expected``; keep its mode."""
    target = path
    if not os.access(target, os.W_OK):
        raise FileError("cannot write: the file is read-only; left untouched")
    if read(target) != expected:
        raise FileError("cannot write: the file changed while bnport was working on it; left untouched")
    directory = os.path.dirname(target) or "."
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
        fd, temporary = tempfile.mkstemp(prefix=".bnport-", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise FileError(f"cannot write: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except OSError as exc:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise FileError(f"cannot write: {exc.strerror or exc}") from None
